// Output for commands that print tens of megabytes (`decode --all-cpus --json` over a
// corpus: 75 MB in ~10 000 pieces). The pieces are gathered in ONE buffer that is written
// to the file descriptor with writeSync and then reused: a stream write keeps its buffer,
// so every piece would need fresh memory, and the page faults of touching 75 MB of fresh
// memory cost more than building the JSON did. If the descriptor is non-blocking and full
// (EAGAIN), the rest goes through the stream instead (copies, in order).

import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

const BUFFER_BYTES = 1 << 20;

/** Thrown (once) when the reader went away: `tdx-cpuid decode ... | head`. Not an error. */
export class OutputClosed extends Error {
  override readonly name = 'OutputClosed';
}

export class FdOutput {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  /** Set after EAGAIN: everything from then on is written through the stream. */
  private viaStream = false;

  constructor(
    private readonly fd: number,
    private readonly stream: Writable,
  ) {}

  /** Adds a piece: text (written as UTF-8) or bytes. */
  push(chunk: string | Uint8Array): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = typeof chunk === 'string' ? 3 * chunk.length : chunk.length;
    if (this.used + most > this.buf.length) this.flush();
    if (most > this.buf.length) {
      this.writeOut(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      return;
    }
    if (typeof chunk === 'string') this.used += this.buf.write(chunk, this.used, 'utf8');
    else {
      this.buf.set(chunk, this.used);
      this.used += chunk.length;
    }
  }

  /** Writes out what was gathered. */
  flush(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.writeOut(this.buf.subarray(0, n));
  }

  private writeOut(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length && !this.viaStream) {
      try {
        off += writeSync(this.fd, bytes, off, bytes.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new OutputClosed('the output was closed');
        if (code !== 'EAGAIN') throw e;
        this.viaStream = true;
      }
    }
    // The stream keeps what it is given until written: hand it a copy of the rest.
    if (off < bytes.length) this.stream.write(Buffer.from(bytes.subarray(off)));
  }
}
