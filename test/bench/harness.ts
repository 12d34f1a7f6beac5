// A small benchmark harness: warm up, time many iterations, report median / p95 / mean in
// milliseconds, and compare with a target. Each *.bench.ts file calls `bench()` and
// `report()`; build/bench.mjs runs every file in its own process and merges the JSON.

import { performance } from 'node:perf_hooks';

export interface BenchResult {
  readonly name: string;
  readonly iterations: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  /** Target in ms for the median (or the stated metric), when the issue names one. */
  readonly targetMs?: number;
  readonly pass?: boolean;
  /** Extra figures: throughput (MB/s), sizes, counts. */
  readonly extra?: Readonly<Record<string, number | string | boolean>>;
}

const results: BenchResult[] = [];

export interface BenchOptions {
  readonly warmup?: number;
  readonly iterations?: number;
  /** Stop early after this much measured time (ms). */
  readonly maxTimeMs?: number;
  readonly targetMs?: number;
  /** Compute extra figures from the median (e.g. MB/s). */
  readonly extra?: (medianMs: number) => Record<string, number | string | boolean>;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export async function bench(name: string, fn: () => unknown | Promise<unknown>, opts: BenchOptions = {}): Promise<BenchResult> {
  const warmup = opts.warmup ?? 5;
  const iterations = opts.iterations ?? 50;
  const maxTime = opts.maxTimeMs ?? 10_000;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (performance.now() - start > maxTime) break;
  }
  times.sort((a, b) => a - b);
  const medianMs = quantile(times, 0.5);
  const result: BenchResult = {
    name,
    iterations: times.length,
    medianMs: round(medianMs),
    p95Ms: round(quantile(times, 0.95)),
    meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
    ...(opts.targetMs !== undefined ? { targetMs: opts.targetMs, pass: medianMs <= opts.targetMs } : {}),
    ...(opts.extra ? { extra: opts.extra(medianMs) } : {}),
  };
  results.push(result);
  return result;
}

/** Records a figure measured some other way (a whole process, a file size). */
export function record(result: BenchResult): void {
  results.push(result);
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Prints this file's results as one JSON line for build/bench.mjs. */
export function report(): void {
  process.stdout.write(`@@bench ${JSON.stringify(results)}\n`);
}
