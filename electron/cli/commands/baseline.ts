// `tdx-cpuid baseline HOST... [--module V] [--kernel V] [--qemu V] [--cpu BASE] [--pmu on|off]
//  [--json|--md] [--fail-on L] [--html F] [--pdf F]`: the TD CPUID each host would give, where
// they differ, and the `-cpu` flags that make them identical, verified by predicting every host
// again (cli-contract.md, schema tdx-cpuid/baseline/v1; shared/compare/baseline.ts).
// Severities for --fail-on: a host the module refuses, or flags that fail verification, are
// errors; differences no flag can remove are warnings; differences the flags remove are infos.

import type { Command } from 'commander';
import type { BaselineDifference, BaselineHostInput, BaselineResult } from '../../../shared/compare/baseline';
import { BASELINE_SCHEMA, baseline } from '../../../shared/compare/baseline';
import { ContextError } from '../../../shared/engine/context';
import type { InputSummary } from '../../../shared/engine/types';
import { formatBit, formatField } from '../../../shared/model/address';
import { describeInput } from '../../../shared/report/describe-input';
import { baselineReport } from '../../../shared/report/build-compare';
import { CliError, EXIT } from '../errors';
import { loadReport } from '../load-inputs';
import { writeDocument } from '../output/json';
import type { ReportFlags } from '../pdf/report-output';
import { addReportOptions, reportOptionsFrom, startPdfPrinter, wantsReport, writeReports } from '../pdf/report-output';
import { failOnOption, failsOn } from './engine-options';
import type { RegisterCommand } from './index';

interface BaselineCliOptions extends ReportFlags {
  readonly module?: string;
  readonly kernel?: string;
  readonly qemu?: string;
  readonly cpu?: string;
  readonly pmu?: string;
  readonly json?: boolean;
  readonly md?: boolean;
  readonly failOn?: string;
  readonly format?: string;
}

export function baselineSummary(r: BaselineResult): { errors: number; warnings: number; infos: number } {
  const aligned = r.differences.filter((d) => !r.remaining.some((x) => x.leaf === d.leaf && x.subleaf === d.subleaf && x.reg === d.reg && (x.bit ?? -1) === (d.bit ?? -1) && (x.bits?.[0] ?? -1) === (d.bits?.[0] ?? -1)));
  return { errors: r.excluded.length + (r.verified || r.hosts.length - r.excluded.length < 2 ? 0 : 1), warnings: r.remaining.length, infos: aligned.length };
}

function addressOf(d: BaselineDifference): string {
  return d.bits ? formatField({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bits: d.bits }) : formatBit({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bit: d.bit! });
}

function diffJson(d: BaselineDifference): Record<string, unknown> {
  return {
    leaf: d.leaf,
    subleaf: d.subleaf,
    reg: d.reg,
    ...(d.bits ? { bits: d.bits } : { bit: d.bit }),
    name: d.name,
    values: d.values,
    class: d.class,
    flag: d.flag,
    why: d.why,
  };
}

export function baselineJson(r: BaselineResult, module: string | null): string {
  return writeDocument(
    BASELINE_SCHEMA,
    [
      ['module', module],
      [
        'hosts',
        r.hosts.map((h) => ({ path: h.source.path, sha256: h.source.sha256, format: h.source.format, label: h.label, module: h.module, moduleInitializes: h.moduleInitializes, tdCreated: h.tdCreated, tscKhz: h.tscKhz })),
      ],
      ['excluded', r.excluded],
      ['baseCpu', r.baseCpu],
      ['cpu', r.cpu],
      ['flags', r.flags],
      ['verified', r.verified],
      ['compared', r.compared],
      ['differences', r.differences.map(diffJson)],
      ['remaining', r.remaining.map(diffJson)],
      ['td', r.hosts.map((h, i) => ({ host: i, cpuid: h.td }))],
      ['summary', baselineSummary(r)],
    ],
    new Set(['differences', 'remaining', 'td']),
  );
}

function values(d: BaselineDifference): string {
  return d.values.map((v) => (v === null ? '-' : d.bits && v > 9 ? `0x${v.toString(16)}` : String(v))).join(' / ');
}

export function baselineText(r: BaselineResult): string {
  const out = [`Baseline of ${r.hosts.length} hosts (values below in this order):`];
  r.hosts.forEach((h, i) => out.push(`  ${i + 1}. ${h.label} (${h.source.path}): module ${h.module}${h.tdCreated ? '' : ', no TD with the base configuration'}`));
  for (const e of r.excluded) out.push(`  host ${e.host + 1} left out: ${e.why}`);
  out.push('', `${r.differences.length} bit(s)/field(s) of the TD CPUID differ with -cpu ${r.baseCpu}:`);
  for (const d of r.differences) out.push(`  ${addressOf(d)}${d.name ? ` ${d.name}` : ''}: ${values(d)}${d.flag ? ` [${d.flag}]` : ''}: ${d.why}`);
  out.push('', `-cpu ${r.cpu}`);
  out.push(
    r.verified
      ? `Verified: with these flags every host gets a TD whose CPUID is identical except ${r.remaining.length} per-host bit(s)/field(s) no -cpu flag configures:`
      : 'NOT verified: with these flags some hosts still differ in configurable bits or get no TD:',
  );
  for (const d of r.remaining) out.push(`  ${addressOf(d)}${d.name ? ` ${d.name}` : ''}: ${values(d)}: ${d.why}`);
  return `${out.join('\n')}\n`;
}

async function loadHosts(paths: readonly string[], format: string | undefined): Promise<BaselineHostInput[]> {
  if (paths.length === 0) throw new CliError('baseline: name at least two host CPUID dumps');
  const r = await loadReport(paths, format ? { format } : {});
  const hosts: BaselineHostInput[] = [];
  for (const i of r.inputs) {
    if (i.parsed.kind !== 'cpuid' || i.role === 'guest' || i.parsed.valueKind !== 'values') continue;
    const source: InputSummary = { path: i.source.path, sha256: i.source.sha256, format: i.format, layer: 'host' };
    hosts.push({ dump: i.parsed, source });
  }
  if (hosts.length < 2) throw new CliError(`baseline: found ${hosts.length} host CPUID dump${hosts.length === 1 ? '' : 's'} with register values in ${paths.join(', ')}; name at least two`);
  return hosts;
}

export async function runBaseline(paths: readonly string[], opts: BaselineCliOptions): Promise<{ text: string | null; code: number }> {
  if (opts.json && opts.md) throw new CliError('--json and --md exclude each other');
  const failOn = failOnOption(opts.failOn);
  let pmu: boolean | undefined;
  if (opts.pmu !== undefined) {
    if (opts.pmu !== 'on' && opts.pmu !== 'off') throw new CliError(`--pmu expects on or off, got ${JSON.stringify(opts.pmu)}`);
    pmu = opts.pmu === 'on';
  }
  const hosts = await loadHosts(paths, opts.format);
  let r: BaselineResult;
  try {
    r = baseline(hosts, {
      ...(opts.module ? { module: opts.module } : {}),
      ...(opts.kernel ? { kernel: opts.kernel } : {}),
      ...(opts.qemu ? { qemu: opts.qemu } : {}),
      ...(opts.cpu ? { cpu: opts.cpu } : {}),
      ...(pmu !== undefined ? { pmu } : {}),
    });
  } catch (e) {
    if (e instanceof ContextError) throw new CliError(e.message);
    throw e;
  }
  const code = failsOn(failOn, baselineSummary(r)) ? EXIT.findings : EXIT.ok;
  if (wantsReport(opts, { md: true })) {
    const printer = startPdfPrinter(opts);
    const details: Record<string, string> = {};
    for (const h of hosts) {
      const d = describeInput(h.dump);
      if (d) details[h.source.path] = d;
    }
    const modules = [...new Set(r.hosts.map((h) => h.module))].join(', ');
    const report = baselineReport(
      {
        hosts: r.hosts.map((h) => ({ input: h.source, label: h.label })),
        module: modules,
        differences: r.differences.map((d) => ({ ...d, class: d.class, flag: d.flag })),
        commonCpu: r.verified ? r.cpu : null,
        unalignable: r.remaining.map((d) => ({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, ...(d.bits ? { bits: d.bits } : { bit: d.bit! }), name: d.name })),
        compared: r.compared,
        context: [{ key: 'verified', label: 'Verified', value: r.verified ? `yes: with -cpu ${r.cpu} only ${r.remaining.length} per-host bit(s)/field(s) differ` : 'no' }],
      },
      reportOptionsFrom(opts, details),
    );
    await writeReports(report, opts, { md: !opts.json }, undefined, printer);
    if (opts.md && !opts.json) return { text: null, code };
  }
  return { text: opts.json ? baselineJson(r, opts.module ?? null) : baselineText(r), code };
}

export const registerBaseline: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('baseline')
    .description('Several hosts: the TD CPUID each gives, where they differ, and the -cpu flags that make them identical (verified)')
    .argument('<host...>', 'host CPUID dumps (files, folders, bundles; - for standard input)')
    .option('--module <version>', 'TDX module version for every host (default: the newest table for each CPU)')
    .option('--kernel <version>', 'kernel version (default 6.16)')
    .option('--qemu <version>', 'QEMU version (default: the newest upstream tables)')
    .option('--cpu <spec>', 'the -cpu to start from (default: host)')
    .option('--pmu <on|off>', 'QEMU pmu= property (default: off)')
    .option('--json', 'print JSON (tdx-cpuid/baseline/v1)')
    .option('--fail-on <level>', 'exit 1 at or above: error (a host without TD, flags not verified; default), warning (differences no flag removes), info, none')
    .option('--format <name>', 'read the inputs named directly as this format instead of detecting it');
  addReportOptions(cmd, { md: true }).action(async (paths: string[], opts: BaselineCliOptions) => {
    const { text, code } = await runBaseline(paths, opts);
    if (text !== null) process.stdout.write(text);
    setExit(code);
  });
};
