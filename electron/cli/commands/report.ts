// `tdx-cpuid report INPUT... [reconcile options] [--html F] [--pdf F] [--md] [--json]
//  [--date YYYY-MM-DD] [--title T] [--page a4|letter] [--appendix] [--fail-on L]`:
// the reconciliation as a report for people (PDF, print HTML), issue trackers (Markdown) and
// tools (JSON, tdx-cpuid/report/v1). Without --html/--pdf/--json it prints Markdown.
// Exit status 0 (or 1 with --fail-on and findings at or above it), 2 for usage errors.

import type { Command } from 'commander';
import { ContextError } from '../../../shared/engine/context';
import { reconcile } from '../../../shared/engine/reconcile';
import type { Reconciliation } from '../../../shared/engine/types';
import { reconcileReport } from '../../../shared/report/build-reconcile';
import { inputDetailsOf } from '../../../shared/report/describe-input';
import { CliError, EXIT } from '../errors';
import type { ReportFlags } from '../pdf/report-output';
import { addReportOptions, reportOptionsFrom, startPdfPrinter, writeReports } from '../pdf/report-output';
import type { EngineCliOptions } from './engine-options';
import { addEngineOptions, contextOptionsFrom, failOnOption, failsOn, loadEngineInputs } from './engine-options';
import type { RegisterCommand } from './index';

interface ReportCliOptions extends EngineCliOptions, ReportFlags {
  readonly failOn?: string;
}

export async function runReport(files: readonly string[], opts: ReportCliOptions): Promise<number> {
  if (opts.json && opts.md) throw new CliError('--json and --md exclude each other');
  const failOn = failOnOption(opts.failOn ?? 'none');
  const context = contextOptionsFrom(opts);
  const options = reportOptionsFrom(opts);
  const { inputs, ignored } = await loadEngineInputs(files, opts);
  if (inputs.sources.length === 0) throw new CliError('report: no inputs (give CPUID dumps, captures, logs, folders or bundles)');
  // Inputs read: Chromium starts now and warms up while the engine works (a bad input has
  // already failed, without starting a browser).
  const printer = startPdfPrinter(opts);
  try {
    let rec: Reconciliation;
    try {
      rec = reconcile(inputs, context);
    } catch (e) {
      if (e instanceof ContextError) throw new CliError(e.message);
      throw e;
    }
    for (const i of ignored) process.stderr.write(`tdx-cpuid: ${i.path}: not used (${i.why})\n`);
    const report = reconcileReport(rec, { ...options, inputDetails: inputDetailsOf(inputs) });
    // Markdown on stdout unless another output was asked for.
    const md = !!opts.md || !(opts.html || opts.pdf || opts.json);
    await writeReports(report, { ...opts, md }, { md: true, json: true }, undefined, printer);
    return failsOn(failOn, rec.summary) ? EXIT.findings : EXIT.ok;
  } finally {
    await printer?.close();
  }
}

export const registerReport: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('report')
    .description('Reconcile the inputs and write a report: PDF, print HTML, Markdown or JSON')
    .argument('[input...]', 'inputs: CPUID dumps, KVM captures, dmesg, QEMU log/command line, folders, bundles (- for standard input)');
  addReportOptions(addEngineOptions(cmd), { md: true, json: true })
    .option('--fail-on <level>', 'exit 1 when a finding is at or above: error, warning, info, none (default)')
    .action(async (files: string[], opts: ReportCliOptions) => {
      setExit(await runReport(files, opts));
    });
};
