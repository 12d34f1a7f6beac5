// Compare: two hosts (the TD each yields under one context), two module versions (one host
// under each table, plus what changed between the tables), two captures value by value.

import { formatBit, formatField, formatLeafKey } from '../../../shared/model/address';
import type { CompareRequest, CompareResult, CompareRow, CompareSide, Progress } from './types';
import type { Ingested } from './session-inputs';
import { describeHost, hostDump, parsedOf, withHost } from './session-inputs';
import { juxtapose } from './juxtapose';
import { reconcile } from './engine';
import { moduleDiff } from '../../../shared/compare/module-diff';
import { diffSources, KVM_LIST_TITLE } from '../../../shared/compare/diff';

export function compare(ing: Ingested, req: CompareRequest, progress: (p: Progress) => void): CompareResult {
  const ei = ing.result.engineInputs;
  if (req.mode === 'modules') {
    if (ei.hosts.length === 0) throw new Error('comparing module versions needs a host CPUID dump');
    progress({ done: 1, total: 3, label: `Reconciling with module ${req.a}` });
    const a = reconcile(ei, { ...req.context, module: req.a });
    progress({ done: 2, total: 3, label: `Reconciling with module ${req.b}` });
    const b = reconcile(ei, { ...req.context, module: req.b });
    const { rows, compared } = juxtapose(a, b);
    const notes = [a, b]
      .filter((r) => !r.context.module.exact)
      .map((r) => `No table for ${r.context.module.requested}: the nearest older table ${r.context.module.table} is used.`);
    // The tables themselves, whatever the host (shared/compare module-diff).
    const md = moduleDiff(req.a, req.b);
    const leaves = (list: readonly { leaf: number; subleaf: number | null }[]): string => list.map((k) => formatLeafKey(k)).join(', ');
    notes.push(`Between the tables, ${md.changes.length} bits change class (${md.ranges.length} ranges), whatever the host.`);
    if (md.configurableAdded.length) notes.push(`Configurable leaves added in ${md.to.table}: ${leaves(md.configurableAdded)}.`);
    if (md.configurableRemoved.length) notes.push(`Configurable leaves removed in ${md.to.table}: ${leaves(md.configurableRemoved)}.`);
    return { mode: 'modules', aLabel: `module ${a.context.module.table}`, bLabel: `module ${b.context.module.table}`, rows, compared, notes };
  }
  if (req.mode === 'hosts') {
    const ha = hostDump(ing, req.a);
    const hb = hostDump(ing, req.b);
    progress({ done: 1, total: 3, label: 'Reconciling host A' });
    const a = reconcile(withHost(ei, ha.dump), req.context);
    progress({ done: 2, total: 3, label: 'Reconciling host B' });
    const b = reconcile(withHost(ei, hb.dump), req.context);
    const { rows, compared } = juxtapose(a, b);
    return {
      mode: 'hosts',
      aLabel: describeHost(ha.dump, ha.path),
      bLabel: describeHost(hb.dump, hb.path),
      rows,
      compared,
      notes: [`Both under module ${a.context.module.table}, kernel ${a.context.kernel}, QEMU ${a.context.qemu}, -cpu ${a.context.cpu}.`],
    };
  }
  return compareCaptures(ing, req.a, req.b);
}

/** Two captures of one kind, value by value (shared/compare diff). */
function compareCaptures(ing: Ingested, aId: string, bId: string): CompareResult {
  const a = parsedOf(ing, aId);
  const b = parsedOf(ing, bId);
  const d = diffSources(a.parsed, b.parsed);
  const rows: CompareRow[] = d.differences.map((x) => {
    const bits: readonly [number, number] = x.bits ?? [x.bit!, x.bit!];
    const address = x.bits ? formatField({ leaf: x.leaf, subleaf: x.subleaf, reg: x.reg, bits: x.bits }) : formatBit({ leaf: x.leaf, subleaf: x.subleaf, reg: x.reg, bit: x.bit! });
    const where = [x.list ? KVM_LIST_TITLE[x.list] : null, x.cpu !== undefined ? `CPU ${x.cpu}` : null].filter(Boolean).join(', ');
    const side = (value: number | null): CompareSide => ({ class: null, host: null, td: null, guest: null, value });
    return {
      key: `${x.list ?? ''}|${x.cpu ?? ''}|${x.leaf}:${x.subleaf ?? '-'}:${x.reg}:${bits[0]}-${bits[1]}`,
      leaf: x.leaf,
      subleaf: x.subleaf,
      reg: x.reg,
      bits,
      address: where ? `${address} (${where})` : address,
      name: x.name,
      a: side(x.a),
      b: side(x.b),
      changes: ['value'],
    };
  });
  const notes = [...d.notes, ...d.scalars.map((sc) => `${sc.name}: ${sc.a ?? '–'} vs ${sc.b ?? '–'}`)];
  const label = (p: string): string => p.split('/').pop() ?? p;
  return { mode: 'captures', aLabel: label(a.path), bLabel: label(b.path), rows, compared: d.registers * 32, notes };
}

