// Performance of the user interface, measured in Chromium on the built renderer (issue 5):
//   - demo open to rendered grid: fresh start (the demo opens itself) and the Open Demo
//     command in a running window; from the app's `demo:open` mark to its `grid:rendered`
//     mark (target 500 ms);
//   - a filter keystroke with the demo's ~14 000 rows: input event to the next painted
//     frame (target 50 ms);
//   - scrolling the grid: frame times with frame-rate limiting off, so a frame's interval
//     is the time it took to make; a fast wheel (100 px per frame) is judged (target p95
//     16.7 ms), a fling (a screen per frame) is reported;
//   - memory with the ten largest corpus dumps loaded: page and analysis worker together
//     (performance.measureUserAgentSpecificMemory on a cross-origin-isolated page), and the
//     page's own JS heap after a GC (target 300 MB).
// Run: npm run bench -- ui

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { record, report, round } from './harness';
import { buildRenderer, REPO_ROOT } from '../e2e/support/build-renderer';
import { launchChromium } from '../e2e/support/chromium';
import { serveDirectory } from '../e2e/support/static-server';
import { dropFiles, waitForGridRows, waitForIdle } from '../e2e/support/page';

const DIST = join(REPO_ROOT, 'test/output/renderer-bench');
const CORPUS = join(REPO_ROOT, 'test/fixtures/corpus');

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summary(name: string, samples: number[], targetMs: number, metric: 'median' | 'p95', extra: Record<string, number | string | boolean> = {}): void {
  const s = [...samples].sort((a, b) => a - b);
  const medianMs = round(quantile(s, 0.5));
  const p95Ms = round(quantile(s, 0.95));
  const judged = metric === 'median' ? medianMs : p95Ms;
  record({
    name,
    iterations: s.length,
    medianMs,
    p95Ms,
    meanMs: round(s.reduce((a, b) => a + b, 0) / s.length),
    targetMs,
    pass: judged <= targetMs,
    extra: { judgedOn: metric, maxMs: round(s[s.length - 1]!), ...extra },
  });
}

/** ms from the `demo:open` mark to the first `grid:rendered` mark after it. */
async function demoToGrid(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const deadline = performance.now() + 60_000;
        const poll = (): void => {
          const opens = performance.getEntriesByName('demo:open');
          const open = opens[opens.length - 1];
          const rendered = open ? performance.getEntriesByName('grid:rendered').find((m) => m.startTime > open.startTime) : undefined;
          if (open && rendered) resolve(rendered.startTime - open.startTime);
          else if (performance.now() > deadline) reject(new Error('no grid:rendered after demo:open'));
          else setTimeout(poll, 20);
        };
        poll();
      }),
  );
}

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named functions in
 * `__name(...)`; code passed to page.evaluate then needs that helper in the page too.
 */
async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return context;
}

/**
 * Where a first start's time went, in ms from `demo:open` (negative: before it): the worker's
 * script began to run and was ready, the analysis began; then the analysis' own phases, and
 * from its result to the rendered grid. Reported beside the figure, not judged.
 */
type StartBreakdown = Record<string, number>;

async function startBreakdown(page: Page): Promise<StartBreakdown> {
  return page.evaluate(() => {
    const open = performance.getEntriesByName('demo:open')[0]!.startTime;
    const result = performance.getEntriesByName('analysis:result').find((m) => m.startTime > open) as PerformanceMark | undefined;
    const rendered = performance.getEntriesByName('grid:rendered').find((m) => m.startTime > open);
    const t = (result?.detail ?? {}) as Record<string, number | undefined>;
    const from = (v: number | undefined): number => (v === undefined ? NaN : v - open);
    return {
      workerScriptMs: from(t.workerScriptAt),
      workerReadyMs: from(t.workerReadyAt),
      analysisStartMs: from(t.startedAt),
      ingestMs: t.ingestMs ?? NaN,
      reconcileMs: t.reconcileMs ?? NaN,
      rowsMs: t.rowsMs ?? NaN,
      resultToGridMs: result && rendered ? rendered.startTime - result.startTime : NaN,
    };
  });
}

async function freshStart(browser: Browser, url: string): Promise<{ demoMs: number; loadMs: number; breakdown: StartBreakdown }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(url);
  await waitForGridRows(page);
  const demoMs = await demoToGrid(page);
  const loadMs = await page.evaluate(() => performance.getEntriesByName('grid:rendered')[0]!.startTime);
  const breakdown = await startBreakdown(page);
  await context.close();
  return { demoMs, loadMs, breakdown };
}

/** Median of each breakdown entry over the starts. */
function medianBreakdown(list: readonly StartBreakdown[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(list[0] ?? {})) {
    const s = list.map((b) => b[key]!).sort((a, b) => a - b);
    out[key] = round(quantile(s, 0.5));
  }
  return out;
}

async function openDemoAgain(page: Page): Promise<number> {
  await page.evaluate(() => performance.clearMarks());
  await page.click('.header .actions >> text=Demo');
  await waitForIdle(page);
  return demoToGrid(page);
}

/** Types into the grid's search box; each keystroke timed from the input event to the next painted frame. */
async function filterKeystrokes(page: Page, texts: readonly string[]): Promise<number[]> {
  return page.evaluate(async (list) => {
    const input = document.querySelector<HTMLInputElement>('[data-filter="text"]')!;
    const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const out: number[] = [];
    for (const text of list) {
      await frame();
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await frame();
      out.push(performance.now() - t0);
    }
    return out;
  }, texts);
}

/** Scrolls the grid by `step` px per frame for `frames` frames; returns the frame intervals. */
async function scrollFrames(page: Page, step: number, frames: number): Promise<number[]> {
  return page.evaluate(
    async ({ step, frames }) => {
      const el = document.querySelector<HTMLElement>('[data-testid="grid"]')!;
      el.scrollTop = 0;
      const times: number[] = [];
      await new Promise<void>((resolve) => {
        let last = performance.now();
        let n = 0;
        const tick = (now: number): void => {
          if (n > 0) times.push(now - last);
          last = now;
          n++;
          const max = el.scrollHeight - el.clientHeight;
          el.scrollTop = el.scrollTop + step >= max ? 0 : el.scrollTop + step;
          if (n <= frames) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      return times;
    },
    { step, frames },
  );
}

function largestCorpusDumps(n: number): string[] {
  const files: { path: string; size: number }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!/\.(tar|tgz|gz|bz2|zip|tsv|md)$/i.test(name) && name !== 'schema.json') files.push({ path: p, size: st.size });
    }
  };
  walk(CORPUS);
  return files
    .sort((a, b) => b.size - a.size)
    .slice(0, n)
    .map((f) => f.path);
}

async function main(): Promise<void> {
  await buildRenderer(DIST);
  const server = await serveDirectory(DIST, { isolated: true });
  const url = `${server.url}/index.html`;
  const browser = await launchChromium(['--enable-precise-memory-info', '--enable-blink-features=ForceEagerMeasureMemory']);
  // Frame-rate limiting off only for the scroll measurement: an unthrottled page would make
  // frames all the time and slow everything else down.
  const unthrottled = await launchChromium(['--disable-frame-rate-limit', '--disable-gpu-vsync']);
  try {
    // Demo open to grid, fresh starts (the first start opens the demo by itself).
    await freshStart(browser, url); // warm the disk cache; not counted
    const fresh: number[] = [];
    const loads: number[] = [];
    const breakdowns: StartBreakdown[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await freshStart(browser, url);
      fresh.push(r.demoMs);
      loads.push(r.loadMs);
      breakdowns.push(r.breakdown);
    }
    summary('ui: demo open to rendered grid (first start)', fresh, 500, 'median', {
      pageLoadToGridMedianMs: round([...loads].sort((a, b) => a - b)[3]!),
      ...Object.fromEntries(Object.entries(medianBreakdown(breakdowns)).map(([k, v]) => [`fromDemoOpen.${k}`, v])),
    });

    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(url);
    await waitForGridRows(page);
    const again: number[] = [];
    for (let i = 0; i < 8; i++) again.push(await openDemoAgain(page));
    summary('ui: demo open to rendered grid (Open Demo, running window)', again.slice(2), 500, 'median');

    const rows = await page.evaluate(() => document.querySelector('[data-count="rows"]')?.textContent ?? '');
    const total = Number((/of\s+([\d,]+)/.exec(rows)?.[1] ?? '0').replace(/,/g, ''));
    const typed = ['a', 'av', 'avx', 'avx5', 'avx51', 'avx512', 'avx51', 'avx5', '', '7', '7.', '7.0', '7.0.', '7.0.e', '7.0.eb', '7.0.ebx', '', 'x', 'xf', 'xfd', ''];
    const keys: number[] = [];
    for (let round_ = 0; round_ < 3; round_++) keys.push(...(await filterKeystrokes(page, typed)));
    summary('ui: filter keystroke re-render', keys, 50, 'p95', { rows: total });

    await context.close();

    const scrollContext = await newContext(unthrottled);
    const scrollPage = await scrollContext.newPage();
    await scrollPage.goto(url);
    await waitForGridRows(scrollPage);
    await scrollPage.waitForTimeout(500);
    await scrollFrames(scrollPage, 100, 60); // warm up
    // A fast mouse wheel: 100 px (4.5 rows) every frame, 6 000 px/s.
    const wheel = await scrollFrames(scrollPage, 100, 400);
    summary('ui: grid scroll frame time (wheel, 100 px per frame)', wheel, 16.7, 'p95', { rows: total });
    // A fling: a whole screen every frame, all rows replaced each frame (reported, not judged).
    const fling = [...(await scrollFrames(scrollPage, 600, 300))].sort((a, b) => a - b);
    record({
      name: 'ui: grid scroll frame time (fling, a screen per frame)',
      iterations: fling.length,
      medianMs: round(quantile(fling, 0.5)),
      p95Ms: round(quantile(fling, 0.95)),
      meanMs: round(fling.reduce((a, b) => a + b, 0) / fling.length),
      extra: { rows: total, note: 'stress figure, no target' },
    });
    await scrollContext.close();

    // Memory with the ten largest corpus dumps loaded (on top of nothing: the demo is closed).
    const memContext = await newContext(browser);
    const mem = await memContext.newPage();
    await mem.goto(url);
    await waitForGridRows(mem);
    await mem.click('.tabs [data-view="sources"]');
    await mem.click('text=Close all');
    const dumps = largestCorpusDumps(10);
    const t0 = Date.now();
    await dropFiles(mem, dumps);
    await mem.waitForFunction((n) => document.querySelectorAll('[data-input]').length === n, dumps.length, { timeout: 120_000 });
    await waitForIdle(mem, 300_000);
    await mem.click('.tabs [data-view="grid"]');
    await waitForGridRows(mem, 300_000);
    const loadMs = Date.now() - t0;
    const cdp = await memContext.newCDPSession(mem);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const pageHeap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    const measured = await mem.evaluate(async () => {
      const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
      if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
      return (await p.measureUserAgentSpecificMemory()).bytes;
    });
    const mb = (b: number): number => round(b / 1024 / 1024);
    const judged = measured ?? pageHeap;
    record({
      name: 'ui: renderer memory with the ten largest corpus dumps',
      iterations: 1,
      medianMs: mb(judged),
      p95Ms: mb(judged),
      meanMs: mb(judged),
      targetMs: 300,
      pass: mb(judged) <= 300,
      extra: {
        unit: 'MB (the ms fields hold MB here)',
        pageAndWorkerMB: measured === null ? 'unavailable' : mb(measured),
        pageJsHeapAfterGcMB: mb(pageHeap),
        dumps: dumps.length,
        dumpBytes: dumps.reduce((n, f) => n + statSync(f).size, 0),
        loadAndAnalyseMs: loadMs,
      },
    });
    await memContext.close();
  } finally {
    await unthrottled.close();
    await browser.close();
    await server.close();
  }
  report();
}

await main();
