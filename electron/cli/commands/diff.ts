// `tdx-cpuid diff A B [--json|--md] [--fail-on L] [--format NAME] [--html F] [--pdf F]`: two
// sources of the same layer kind (two hosts, two TD captures, a host and a guest...) compared
// bit by bit (cli-contract.md, schema tdx-cpuid/diff/v1; shared/compare/diff.ts). Each
// difference counts as a warning for --fail-on (default error: exit 0), so
// `--fail-on warning` fails a CI job when the sources differ.

import type { Command } from 'commander';
import type { DiffResult, Difference } from '../../../shared/compare/diff';
import { DIFF_SCHEMA, DiffError, KVM_LIST_TITLE, diffSources } from '../../../shared/compare/diff';
import type { InputSummary } from '../../../shared/engine/types';
import type { ParsedInput } from '../../../shared/formats/types';
import { formatField, formatBit } from '../../../shared/model/address';
import { describeInput } from '../../../shared/report/describe-input';
import { diffReport } from '../../../shared/report/build-compare';
import { CliError, EXIT } from '../errors';
import type { LoadedInput } from '../load-inputs';
import { loadReport } from '../load-inputs';
import { writeDocument } from '../output/json';
import type { ReportFlags } from '../pdf/report-output';
import { addReportOptions, reportOptionsFrom, startPdfPrinter, wantsReport, writeReports } from '../pdf/report-output';
import { failOnOption, failsOn } from './engine-options';
import type { RegisterCommand } from './index';

interface DiffCliOptions extends ReportFlags {
  readonly json?: boolean;
  readonly md?: boolean;
  readonly failOn?: string;
  readonly format?: string;
}

interface Side {
  readonly input: LoadedInput;
  readonly summary: InputSummary & { readonly cpuCount: number | null; readonly detail: string | null };
}

/** The one comparable input a path names (a file, or a folder/bundle holding one). */
async function loadSide(path: string, which: 'A' | 'B', format: string | undefined): Promise<Side> {
  const r = await loadReport([path], format ? { format } : {});
  const usable = r.inputs.filter((i) => i.parsed.kind === 'cpuid' || i.parsed.kind === 'kvm');
  if (usable.length === 0) {
    const found = r.inputs.map((i) => `${i.source.path} (${i.format})`).join(', ');
    throw new CliError(`${which} (${path}): no CPUID dump or KVM capture${found ? ` (found ${found})` : ''}`);
  }
  if (usable.length > 1) throw new CliError(`${which} (${path}) holds ${usable.length} comparable inputs (${usable.map((i) => i.source.path).join(', ')}): name one file`);
  const input = usable[0]!;
  const layer = input.role === 'ignore' ? 'context' : input.role;
  const cpuCount = input.parsed.kind === 'cpuid' ? input.parsed.cpus.length : null;
  return {
    input,
    summary: { path: input.source.path, sha256: input.source.sha256, format: input.format, layer, cpuCount, detail: describeInput(input.parsed) },
  };
}

function valueText(v: number | null, field: boolean): string {
  if (v === null) return '-';
  return field && v > 9 ? `0x${v.toString(16)}` : String(v);
}

function address(d: Difference): string {
  return d.bits ? formatField({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bits: d.bits }) : formatBit({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bit: d.bit! });
}

function layerOf(a: Side, b: Side, r: DiffResult): string {
  if (r.kind === 'kvm') return r.lists.map((l) => KVM_LIST_TITLE[l]).join(', ');
  return a.summary.layer === b.summary.layer ? a.summary.layer : `${a.summary.layer} / ${b.summary.layer}`;
}

export function diffJson(a: Side, b: Side, r: DiffResult): string {
  const side = (s: Side): Record<string, unknown> => ({ path: s.summary.path, sha256: s.summary.sha256, format: s.summary.format, layer: s.summary.layer, cpuCount: s.summary.cpuCount });
  const differences = r.differences.map((d) => ({
    leaf: d.leaf,
    subleaf: d.subleaf,
    reg: d.reg,
    ...(d.bits ? { bits: d.bits } : { bit: d.bit }),
    name: d.name,
    a: d.a,
    b: d.b,
    ...(d.cpu !== undefined ? { cpu: d.cpu } : {}),
    ...(d.list ? { list: d.list } : {}),
  }));
  return writeDocument(
    DIFF_SCHEMA,
    [
      ['a', side(a)],
      ['b', side(b)],
      ['layer', layerOf(a, b, r)],
      ['compared', { kind: r.kind, lists: r.lists, cpus: r.cpus, registers: r.registers, entries: r.entries }],
      ['notes', r.notes],
      ['scalars', r.scalars],
      ['differences', differences],
      ['summary', { differences: r.differences.length, perCpu: r.differences.filter((d) => d.cpu !== undefined).length }],
    ],
    new Set(['differences']),
  );
}

function sideLine(name: string, s: Side): string {
  const cpus = s.summary.cpuCount !== null ? `, ${s.summary.cpuCount} CPU${s.summary.cpuCount === 1 ? '' : 's'}` : '';
  return `${name}: ${s.summary.path} (${s.summary.format}, ${s.summary.layer}${cpus})${s.summary.detail ? `: ${s.summary.detail}` : ''}`;
}

export function diffText(a: Side, b: Side, r: DiffResult): string {
  const out = [sideLine('A', a), sideLine('B', b), `Layer compared: ${layerOf(a, b, r)}`];
  for (const n of r.notes) out.push(`Note: ${n}`);
  for (const s of r.scalars) out.push(`${s.name}: A ${s.a ?? '-'}, B ${s.b ?? '-'}`);
  out.push('', r.differences.length === 0 ? 'No bit or field differs.' : `${r.differences.length} difference${r.differences.length === 1 ? '' : 's'}:`);
  let list: string | undefined;
  for (const d of r.differences) {
    if (d.list && d.list !== list) {
      list = d.list;
      out.push(`  ${KVM_LIST_TITLE[d.list]}:`);
    }
    const field = !!d.bits;
    out.push(`  ${address(d)}${d.name ? ` ${d.name}` : ''}: A ${valueText(d.a, field)}, B ${valueText(d.b, field)}${d.cpu !== undefined ? ` (CPU ${d.cpu})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

export async function runDiff(pathA: string, pathB: string, opts: DiffCliOptions): Promise<{ text: string | null; code: number }> {
  if (opts.json && opts.md) throw new CliError('--json and --md exclude each other');
  const failOn = failOnOption(opts.failOn);
  const a = await loadSide(pathA, 'A', opts.format);
  const b = await loadSide(pathB, 'B', opts.format);
  let r: DiffResult;
  try {
    r = diffSources(a.input.parsed as ParsedInput, b.input.parsed as ParsedInput);
  } catch (e) {
    if (e instanceof DiffError) throw new CliError(`diff: ${e.message}`);
    throw e;
  }
  const code = failsOn(failOn, { errors: 0, warnings: r.differences.length, infos: 0 }) ? EXIT.findings : EXIT.ok;
  if (wantsReport(opts, { md: true })) {
    const printer = startPdfPrinter(opts);
    const details: Record<string, string> = {};
    for (const s of [a, b]) if (s.summary.detail) details[s.summary.path] = s.summary.detail;
    const report = diffReport(
      {
        a: { path: a.summary.path, sha256: a.summary.sha256, format: a.summary.format, layer: a.summary.layer },
        b: { path: b.summary.path, sha256: b.summary.sha256, format: b.summary.format, layer: b.summary.layer },
        layer: layerOf(a, b, r),
        differences: r.differences.map((d) => ({ ...d, name: d.name, cpu: d.cpu ?? null })),
        compared: r.entries,
        context: r.notes.map((n, i) => ({ key: `note${i + 1}`, label: 'Note', value: n })),
      },
      reportOptionsFrom(opts, details),
    );
    await writeReports(report, opts, { md: !opts.json }, undefined, printer);
    if (opts.md && !opts.json) return { text: null, code };
  }
  return { text: opts.json ? diffJson(a, b, r) : diffText(a, b, r), code };
}

export const registerDiff: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('diff')
    .description('Compare two sources of the same layer kind (two hosts, two TD captures, ...), bit by bit and per CPU')
    .argument('<a>', 'first source: a CPUID dump or KVM capture (file, folder or bundle holding one; - for standard input)')
    .argument('<b>', 'second source')
    .option('--json', 'print JSON (tdx-cpuid/diff/v1)')
    .option('--fail-on <level>', 'exit 1 when differences exist and the level is warning or info (each difference counts as a warning; default error)')
    .option('--format <name>', 'read both inputs as this format instead of detecting it');
  addReportOptions(cmd, { md: true }).action(async (a: string, b: string, opts: DiffCliOptions) => {
    const { text, code } = await runDiff(a, b, opts);
    if (text !== null) process.stdout.write(text);
    setExit(code);
  });
};
