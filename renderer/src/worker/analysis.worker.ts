// The analysis worker: parses inputs, reconciles, compares — off the UI thread.
// Requests queue up; when several `analyse` (or `compare`, `baseline`) requests are
// waiting, only the newest of each runs and the older ones are answered "superseded"
// (typing in the context bar sends one request per keystroke).

import { workerStartedAt } from './started';
import '../zod-config';
import { createAnalyst } from '../analysis/analyst';
import type { WorkerReply, WorkerRequest } from '../analysis/protocol';
import { transferables } from '../analysis/row-table';
import type { ReconciliationView } from '../analysis/row-table';
import type { AnalysisResult } from '../analysis/types';

const analyst = createAnalyst();
const queue: WorkerRequest[] = [];
let running = false;

const post = (reply: WorkerReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(reply, transfer);

/** The row table's typed arrays move to the UI thread instead of being copied. */
function transferListOf(value: unknown): Transferable[] {
  const rec = value && typeof value === 'object' && 'reconciliation' in value ? (value as { reconciliation: ReconciliationView | null }).reconciliation : null;
  return rec ? transferables(rec.rows) : [];
}

async function drain(): Promise<void> {
  running = true;
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (next.op !== 'catalog' && queue.some((q) => q.op === next.op)) {
      post({ id: next.id, type: 'superseded' });
      continue;
    }
    try {
      const value = await analyst.perform(next.op, next.request as never, (progress) =>
        post({ id: next.id, type: 'progress', progress }),
      );
      post({ id: next.id, type: 'done', value: withStartUp(next.op, value) }, transferListOf(value));
    } catch (e) {
      post({ id: next.id, type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }
  running = false;
}

// While the window boots and reads the demo or the session, load the knowledge tables: one
// step per task, and none once a request has come (it then loads what it needs itself).
let readyAt = 0;
const warmUp = [...analyst.warmUpSteps()];
const warmUpStep = (): void => {
  const step = warmUp.shift();
  if (step && !running && queue.length === 0) {
    step();
    setTimeout(warmUpStep, 0);
    return;
  }
  readyAt = performance.timeOrigin + performance.now();
};
setTimeout(warmUpStep, 0);

/** An analysis result with the worker's start-up times added to its timings. */
function withStartUp(op: WorkerRequest['op'], value: unknown): unknown {
  if (op !== 'analyse') return value;
  const result = value as AnalysisResult;
  return { ...result, timings: { ...result.timings, workerScriptAt: workerStartedAt, workerReadyAt: readyAt || undefined } };
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  queue.push(event.data);
  // Let the messages already posted arrive before choosing what to run.
  if (!running) {
    running = true;
    setTimeout(() => void drain(), 0);
  }
});
