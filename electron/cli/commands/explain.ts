// `tdx-cpuid explain BIT INPUT... [same options as reconcile] [--json|--md]`: one bit's story
// across all layers, in words (cli-contract.md). BIT is a name (avx512f, pks, sse4.1) or an
// address (7.0.ebx.16, 7.0.EBX[16]).

import type { Command } from 'commander';
import { ContextError } from '../../../shared/engine/context';
import { UnknownBitError, analyze, explainBit } from '../../../shared/engine/reconcile';
import { CliError, EXIT } from '../errors';
import { explainJson, renderExplainMarkdown, renderExplainText } from '../output/explain-report';
import type { EngineCliOptions } from './engine-options';
import { addEngineOptions, contextOptionsFrom, failOnOption, failsOn, loadEngineInputs } from './engine-options';
import type { RegisterCommand } from './index';

interface ExplainCliOptions extends EngineCliOptions {
  readonly json?: boolean;
  readonly md?: boolean;
  readonly failOn?: string;
}

export async function runExplain(bit: string, files: readonly string[], opts: ExplainCliOptions): Promise<{ text: string; code: number }> {
  if (opts.json && opts.md) throw new CliError('--json and --md exclude each other');
  const failOn = failOnOption(opts.failOn ?? 'none');
  const options = contextOptionsFrom(opts);
  const { inputs } = await loadEngineInputs(files, opts);
  try {
    const analysis = analyze(inputs, options);
    const e = explainBit(analysis, bit);
    const r = analysis.reconciliation;
    const text = opts.json ? explainJson(e, r) : opts.md ? renderExplainMarkdown(e, r) : renderExplainText(e, r);
    return { text, code: failsOn(failOn, countFor(e.findings)) ? EXIT.findings : EXIT.ok };
  } catch (err) {
    if (err instanceof UnknownBitError || err instanceof ContextError) throw new CliError(err.message);
    throw err;
  }
}

function countFor(findings: readonly { readonly severity: string }[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

export const registerExplain: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('explain')
    .description("One bit's story across host, module, KVM, QEMU, TD and guest, in words")
    .argument('<bit>', 'a name (avx512f, pks) or an address (7.0.ebx.16, 7.0.EBX[16])')
    .argument('[input...]', 'inputs, as for reconcile');
  addEngineOptions(cmd)
    .option('--json', 'print JSON (tdx-cpuid/explain/v1)')
    .option('--md', 'print Markdown')
    .option('--fail-on <level>', 'exit 1 when a finding naming this bit is at or above the level (default: none)')
    .action(async (bit: string, files: string[], opts: ExplainCliOptions) => {
      const { text, code } = await runExplain(bit, files, opts);
      process.stdout.write(text);
      setExit(code);
    });
};
