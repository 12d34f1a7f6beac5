// Work in Electron's main process gives the event loop a turn now and then: a long
// synchronous stretch there freezes every window (input events pass through that thread).
// Synchronous file reads are kept on purpose: the same folder read with fs/promises takes
// four times as long (four thread-pool round trips per file: 55-90 ms for the 385 files of
// an hwloc folder, against 15-20 ms), which the command line would pay on every run.

/** Resolves on the next turn of the event loop, after pending I/O and timers. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Hands out turns at most every `sliceMs` of work: `await turns.maybe()` in a loop. */
export class TurnTaker {
  private last = performance.now();
  constructor(private readonly sliceMs = 8) {}

  async maybe(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) return;
    await nextTurn();
    this.last = performance.now();
  }
}
