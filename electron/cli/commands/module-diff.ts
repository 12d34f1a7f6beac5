// `tdx-cpuid module-diff V1 V2 [--json]`: per bit, how its class changed between two TDX
// module versions (cli-contract.md). Text groups consecutive bits with the same change.

import type { Command } from 'commander';
import type { BitClassAt, ModuleDiff } from '../../../shared/compare/module-diff';
import { UnknownModuleError, moduleDiff } from '../../../shared/compare/module-diff';
import { formatLeafKey } from '../../../shared/model/address';
import { layoutOf } from '../../../shared/knowledge/bits';
import { CliError, EXIT } from '../errors';
import { writeDocument } from '../output/json';
import type { RegisterCommand } from './index';
import { moduleDiffReport } from '../../../shared/report/build-compare';
import type { ReportFlags } from '../pdf/report-output';
import { addReportOptions, reportOptionsFrom, wantsReport, writeReports } from '../pdf/report-output';

export const MODULE_DIFF_SCHEMA = 'tdx-cpuid/module-diff/v1';

function classText(c: BitClassAt): string {
  return c.gates.length ? `${c.class} (${c.gates.join(' ')})` : c.class;
}

export function moduleDiffJson(d: ModuleDiff): string {
  const changes = d.changes.map((c) => ({
    leaf: c.leaf,
    subleaf: c.subleaf,
    reg: c.reg,
    bit: c.bit,
    name: c.name,
    from: c.from.class,
    to: c.to.class,
    fromGates: c.from.gates,
    toGates: c.to.gates,
  }));
  const ranges = d.ranges.map((r) => ({ leaf: r.leaf, subleaf: r.subleaf, reg: r.reg, bits: r.bits, from: r.from.class, to: r.to.class, fromGates: r.from.gates, toGates: r.to.gates }));
  return writeDocument(
    MODULE_DIFF_SCHEMA,
    [
      ['from', d.from],
      ['to', d.to],
      ['configurableAdded', d.configurableAdded],
      ['configurableRemoved', d.configurableRemoved],
      ['ranges', ranges],
      ['changes', changes],
    ],
    new Set(['ranges', 'changes']),
  );
}

function names(leaf: number, subleaf: number | null, reg: Parameters<typeof layoutOf>[2], lo: number, hi: number): string {
  const layout = layoutOf(leaf, subleaf, reg);
  const seen = new Set<string>();
  for (let b = lo; b <= hi; b++) {
    const e = layout.byBit[b];
    if (e?.displayName) seen.add(e.displayName);
  }
  const list = [...seen];
  return list.length > 4 ? `${list.slice(0, 4).join(', ')}, ...` : list.join(', ');
}

export function moduleDiffText(d: ModuleDiff): string {
  const title = (x: ModuleDiff['from']): string => (x.exact ? x.table : `${x.requested} (table ${x.table})`);
  const out = [`TDX module ${title(d.from)} -> ${title(d.to)}: ${d.changes.length} bit(s) change class`, ''];
  if (d.configurableAdded.length) out.push(`configurable leaves added: ${d.configurableAdded.map(formatLeafKey).join(', ')}`);
  if (d.configurableRemoved.length) out.push(`configurable leaves removed: ${d.configurableRemoved.map(formatLeafKey).join(', ')}`);
  for (const r of d.ranges) {
    const bits = r.bits[0] === r.bits[1] ? `${r.bits[0]}` : `${r.bits[1]}:${r.bits[0]}`;
    const n = names(r.leaf, r.subleaf, r.reg, r.bits[0], r.bits[1]);
    out.push(`${formatLeafKey(r)}.${r.reg.toUpperCase()}[${bits}]${n ? ` ${n}` : ''}: ${classText(r.from)} -> ${classText(r.to)}`);
  }
  if (d.changes.length === 0) out.push('No bit changes class.');
  return `${out.join('\n')}\n`;
}

export const registerModuleDiff: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('module-diff')
    .description('Per bit, how the virtualization class changed between two TDX module versions')
    .argument('<v1>', 'older module version, e.g. 1.5.06')
    .argument('<v2>', 'newer module version, e.g. 1.5.09')
    .option('--json', 'print JSON (tdx-cpuid/module-diff/v1)');
  // --md (the report as Markdown), --html/--pdf: electron/cli/pdf/report-output.ts.
  addReportOptions(cmd, { md: true })
    .action(async (v1: string, v2: string, opts: { json?: boolean } & ReportFlags) => {
      let d: ModuleDiff;
      try {
        d = moduleDiff(v1, v2);
      } catch (e) {
        if (e instanceof UnknownModuleError) throw new CliError(e.message);
        throw e;
      }
      if (wantsReport(opts, { md: true })) await writeReports(moduleDiffReport(d, reportOptionsFrom(opts)), opts, { md: !opts.json });
      if (opts.json || !opts.md) process.stdout.write(opts.json ? moduleDiffJson(d) : moduleDiffText(d));
      setExit(EXIT.ok);
    });
};
