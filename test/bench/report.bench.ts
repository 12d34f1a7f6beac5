// Report benchmarks (issue 6): a two-host comparison report printed to PDF, the whole pipeline
// (read and classify both dumps, reconcile each, compare their TD CPUID, build the report,
// render the print HTML, launch Chromium, print) under 3 s; the report of the 112-CPU
// Emerald Rapids host under 5 MB in every format; and the `report --pdf` CLI as a process.

import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngineInputs } from '../../electron/cli/commands/engine-options';
import { PdfPrinter, printPdf } from '../../electron/cli/pdf/print-pdf';
import { reconcile } from '../../shared/engine/reconcile';
import type { BitRow, Reconciliation } from '../../shared/engine/types';
import { bitKey } from '../../shared/model/address';
import { baselineReport, reconcileReport } from '../../shared/report/index';
import type { BaselineInput } from '../../shared/report/index';
import { renderHtml, reportPrintLayout } from '../../shared/report/render-html';
import { renderJson } from '../../shared/report/render-json';
import { renderMarkdown } from '../../shared/report/render-markdown';
import { bench, record, report, round } from './harness';

const SPR = 'test/fixtures/corpus/aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
const EMR = 'test/fixtures/corpus/aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt';
const DATE = '2026-01-01';
const OUT = 'test/output/bench';
mkdirSync(OUT, { recursive: true });

/** Bits whose predicted TD value differs between two reconciliations of the same module. */
function tdComparison(a: Reconciliation, b: Reconciliation): BaselineInput {
  const byKey = new Map<string, BitRow>();
  for (const r of b.bits) byKey.set(bitKey(r), r);
  const differences = [];
  for (const ra of a.bits) {
    const rb = byKey.get(bitKey(ra));
    if (!rb || ra.values.td === rb.values.td) continue;
    differences.push({ leaf: ra.leaf, subleaf: ra.subleaf, reg: ra.reg, bit: ra.bit, name: ra.name, values: [ra.values.td, rb.values.td], class: ra.class });
  }
  return {
    hosts: [{ input: a.inputs[0]! }, { input: b.inputs[0]! }],
    module: a.context.module.table,
    differences,
    commonCpu: null,
    compared: a.bits.length,
  };
}

async function twoHostPdf(): Promise<{ bytes: number; pages: number }> {
  // As the CLI does: Chromium starts first and warms up while the engine works.
  const printer = new PdfPrinter();
  let bytes: Uint8Array;
  try {
    const [a, b] = await Promise.all([loadEngineInputs([SPR], {}), loadEngineInputs([EMR], {})]);
    const ra = reconcile(a.inputs, { module: '1.5.06' });
    const rb = reconcile(b.inputs, { module: '1.5.06' });
    const r = baselineReport(tdComparison(ra, rb), { date: DATE });
    const html = renderHtml(r);
    ({ bytes } = await printer.print(html, reportPrintLayout(r, 'a4'), DATE));
  } finally {
    await printer.close();
  }
  writeFileSync(join(OUT, 'two-host.pdf'), bytes);
  const pages = (new TextDecoder('latin1').decode(bytes).match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  return { bytes: bytes.length, pages };
}

// 1. Two-host comparison as PDF, whole pipeline in this process (Chromium launched each time).
let last = { bytes: 0, pages: 0 };
await bench(
  'two-host comparison report as PDF (load, reconcile x2, compare, HTML, Chromium launch + print)',
  async () => {
    last = await twoHostPdf();
  },
  { warmup: 1, iterations: 5, maxTimeMs: 60_000, targetMs: 3000, extra: () => ({ pdfBytes: last.bytes, pages: last.pages }) },
);

// 2. The 112-CPU host: every format under 5 MB.
{
  const { inputs } = await loadEngineInputs([EMR], {});
  const rec = reconcile(inputs);
  const r = reconcileReport(rec, { date: DATE });
  const html = renderHtml(r, { page: 'letter' });
  const t0 = performance.now();
  const { bytes } = await printPdf(html, reportPrintLayout(r, 'letter'), DATE);
  const printMs = performance.now() - t0;
  writeFileSync(join(OUT, 'emr-112cpu.pdf'), bytes);
  const sizes = { pdf: bytes.length, html: html.length, json: renderJson(r).length, md: renderMarkdown(r).length };
  const largest = Math.max(...Object.values(sizes));
  const full = reconcileReport(rec, { date: DATE, appendix: true });
  record({
    name: 'report of the 112-CPU Emerald Rapids host: largest output in bytes (target < 5 MB)',
    iterations: 1,
    medianMs: round(printMs),
    p95Ms: round(printMs),
    meanMs: round(printMs),
    pass: largest < 5 * 1024 * 1024,
    extra: { ...sizes, htmlWithAppendix: renderHtml(full).length, jsonWithAppendix: renderJson(full).length, largest, limit: 5 * 1024 * 1024 },
  });
}

// 3. `tdx-cpuid report --pdf` as a whole process (Node start, bundle load, engine, Chromium).
{
  const times: number[] = [];
  const pdf = join(OUT, 'cli-report.pdf');
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', 'report', SPR, '--date', DATE, '--pdf', pdf], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  record({
    name: 'tdx-cpuid report --pdf (one host) as a whole CLI process',
    iterations: times.length,
    medianMs: round(times[1]!),
    p95Ms: round(times[2]!),
    meanMs: round(times.reduce((s, x) => s + x, 0) / times.length),
    extra: { pdfBytes: statSync(pdf).size },
  });
}

report();
