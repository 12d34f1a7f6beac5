// The UI's handle on the analysis. Two implementations of one interface: a Web Worker
// (the application: parsing big dumps and reconciling many hosts never blocks the UI,
// and cancelling terminates the worker) and an in-process one (component tests, where
// happy-dom has no Worker).

import type { OperationName, Operations, WorkerReply, WorkerRequest } from './protocol';
import type { Progress } from './types';
import type { Analyst } from './analyst-types';

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

/** A newer request of the same kind replaced this one before it ran. */
export class SupersededError extends Error {
  override readonly name = 'SupersededError';
  constructor() {
    super('superseded by a newer request');
  }
}

export interface AnalysisJob<T> {
  readonly promise: Promise<T>;
  cancel(): void;
}

export interface AnalysisService {
  run<K extends OperationName>(
    op: K,
    request: Operations[K]['request'],
    onProgress?: (p: Progress) => void,
  ): AnalysisJob<Operations[K]['result']>;
  dispose(): void;
}

interface Pending {
  readonly message: WorkerRequest;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (p: Progress) => void;
}

/** Runs the analysis in a Web Worker created by `createWorker`. */
export function workerAnalysisService(createWorker: () => Worker): AnalysisService {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const onMessage = (event: MessageEvent<WorkerReply>): void => {
    const reply = event.data;
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === 'progress') {
      p.onProgress?.(reply.progress);
      return;
    }
    pending.delete(reply.id);
    if (reply.type === 'done') p.resolve(reply.value);
    else if (reply.type === 'superseded') p.reject(new SupersededError());
    else p.reject(new Error(reply.message));
  };

  const onError = (event: ErrorEvent): void => {
    // A crash inside the worker: fail what was running, start afresh next time.
    const message = event.message || 'the analysis worker stopped unexpectedly';
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
    worker?.terminate();
    worker = null;
  };

  const ensureWorker = (): Worker => {
    if (!worker) {
      worker = createWorker();
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
    }
    return worker;
  };

  // Start the worker now: loading and compiling its script (the engine and the knowledge
  // tables) then overlaps with the window's own start-up instead of delaying the first analysis.
  ensureWorker();

  return {
    run(op, request, onProgress) {
      const id = nextId++;
      const message: WorkerRequest = { id, op, request };
      const promise = new Promise<Operations[typeof op]['result']>((resolve, reject) => {
        pending.set(id, { message, resolve: resolve as (v: unknown) => void, reject, onProgress });
      });
      ensureWorker().postMessage(message);
      return {
        promise,
        cancel() {
          const p = pending.get(id);
          if (!p) return;
          pending.delete(id);
          p.reject(new CancelledError());
          // Synchronous work cannot be interrupted: end the worker and hand the other
          // requests to a fresh one (it parses again from the texts they carry).
          worker?.terminate();
          worker = null;
          if (pending.size > 0) {
            const w = ensureWorker();
            for (const other of pending.values()) w.postMessage(other.message);
          }
        },
      };
    },
    dispose() {
      for (const p of pending.values()) p.reject(new CancelledError());
      pending.clear();
      worker?.terminate();
      worker = null;
    },
  };
}

/** Runs the same analysis on this thread, one request at a time, in order. */
export function inProcessAnalysisService(analyst: Analyst): AnalysisService {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run(op, request, onProgress) {
      let cancelled = false;
      let rejectNow: ((e: Error) => void) | null = null;
      const promise = new Promise<Operations[typeof op]['result']>((resolve, reject) => {
        rejectNow = reject;
        chain = chain.then(async () => {
          if (cancelled) return;
          try {
            const value = await analyst.perform(op, request, (p) => onProgress?.(p));
            if (!cancelled) resolve(value);
          } catch (e) {
            if (!cancelled) reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      });
      return {
        promise,
        cancel() {
          if (cancelled) return;
          cancelled = true;
          rejectNow?.(new CancelledError());
        },
      };
    },
    dispose() {},
  };
}
