// `tdx-cpuid reconcile INPUT... [layer flags] [context options] [--json|--md] [--fail-on L]`:
// predicts every layer of the TD's CPUID from the inputs, verifies captured layers, and
// reports findings (cli-contract.md, schema tdx-cpuid/reconcile/v1). Exit 0 when no finding is
// at or above --fail-on (default error), 1 otherwise, 2 for usage errors or unreadable input.

import type { Command } from 'commander';
import { ContextError } from '../../../shared/engine/context';
import type { Analysis } from '../../../shared/engine/reconcile';
import { analyze } from '../../../shared/engine/reconcile';
import { disagreementRows, hostToTdChangeRows } from '../../../shared/engine/rows';
import type { Reconciliation } from '../../../shared/engine/types';
import { CliError, EXIT } from '../errors';
import { writeDocument } from '../output/json';
import { renderReconcileMarkdown, renderReconcileText } from '../output/reconcile-report';
import type { EngineCliOptions } from './engine-options';
import { addEngineOptions, contextOptionsFrom, failOnOption, failsOn, loadEngineInputs } from './engine-options';
import type { RegisterCommand } from './index';
import type { ReportFlags } from '../pdf/report-output';
import { addReportOptions, writeReconcileReports } from '../pdf/report-output';

interface ReconcileCliOptions extends EngineCliOptions, ReportFlags {
  readonly json?: boolean;
  readonly md?: boolean;
  readonly failOn?: string;
}

export const RECONCILE_SCHEMA = 'tdx-cpuid/reconcile/v1';

export function reconcileJson(r: Reconciliation): string {
  return writeDocument(
    RECONCILE_SCHEMA,
    [
      ['inputs', r.inputs],
      ['context', r.context],
      ['predicted', r.predicted],
      ['layerOrigin', r.layerOrigin],
      ['bits', r.bits],
      ['fields', r.fields],
      ['findings', r.findings],
      ['summary', r.summary],
    ],
    new Set(['bits', 'fields', 'findings']),
  );
}

/** Runs the command and returns [stdout text, exit code]. */
export async function runReconcile(files: readonly string[], opts: ReconcileCliOptions): Promise<{ text: string; code: number }> {
  if (opts.json && opts.md) throw new CliError('--json and --md exclude each other');
  const failOn = failOnOption(opts.failOn);
  const options = contextOptionsFrom(opts);
  const { inputs, ignored } = await loadEngineInputs(files, opts);
  let a: Analysis;
  try {
    a = analyze(inputs, options);
  } catch (e) {
    if (e instanceof ContextError) throw new CliError(e.message);
    throw e;
  }
  const r = a.reconciliation;
  // Text and Markdown list only the changed and disagreeing bits: build just those rows.
  const extras = opts.json ? {} : { ignored, changes: hostToTdChangeRows(a.state), disagreements: disagreementRows(a.state) };
  const text = opts.json ? reconcileJson(r) : opts.md ? renderReconcileMarkdown(r, extras) : renderReconcileText(r, extras);
  // --html/--pdf: the same reconciliation as a report (electron/cli/pdf/report-output.ts).
  await writeReconcileReports(r, inputs, opts);
  return { text, code: failsOn(failOn, r.summary) ? EXIT.findings : EXIT.ok };
}

export const registerReconcile: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('reconcile')
    .description("Predict and verify a TD's CPUID across host, TDX module, KVM and QEMU, bit by bit, with findings")
    .argument('[input...]', 'inputs: CPUID dumps, KVM captures, dmesg, QEMU log/command line, folders, bundles (- for standard input)');
  addReportOptions(addEngineOptions(cmd))
    .option('--json', 'print JSON (tdx-cpuid/reconcile/v1)')
    .option('--md', 'print Markdown')
    .option('--fail-on <level>', 'exit 1 when a finding is at or above: error (default), warning, info, none')
    .action(async (files: string[], opts: ReconcileCliOptions) => {
      const { text, code } = await runReconcile(files, opts);
      process.stdout.write(text);
      setExit(code);
    });
};
