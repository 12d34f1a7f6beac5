// Baseline over N hosts (shared/compare baseline): the TD CPUID each host yields, where they
// differ, and the -cpu flags that align them, verified by predicting every host again.

import { formatBit, formatField } from '../../../shared/model/address';
import type { BaselineRequest, BaselineResult, BaselineRow, Progress } from './types';
import type { Ingested } from './session-inputs';
import { describeHost, hostDump } from './session-inputs';
import { baseline as sharedBaseline, differenceKey } from '../../../shared/compare/baseline';

export function baseline(ing: Ingested, req: BaselineRequest, progress: (p: Progress) => void): BaselineResult {
  const hosts = req.hosts.map((id) => {
    const h = hostDump(ing, id);
    const sha = req.inputs.find((i) => i.id === id)?.sha256 ?? '';
    return { id, ...h, input: { dump: h.dump, source: { path: h.path, sha256: sha, format: h.dump.format, layer: 'host' as const } } };
  });
  progress({ done: 1, total: 3, label: `Predicting the TD on ${hosts.length} hosts and aligning them` });
  const c = req.context;
  const r = sharedBaseline(
    hosts.map((h) => h.input),
    {
      ...(c.module ? { module: c.module } : {}),
      ...(c.kernel ? { kernel: c.kernel } : {}),
      ...(c.qemu ? { qemu: c.qemu } : {}),
      ...(c.cpu ? { cpu: c.cpu } : {}),
      ...(c.pmu !== undefined ? { pmu: c.pmu } : {}),
    },
  );
  const remaining = new Set(r.remaining.map(differenceKey));
  const rows: BaselineRow[] = r.differences.map((d) => {
    const bits: readonly [number, number] = d.bits ?? [d.bit!, d.bit!];
    const address = d.bits ? formatField({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bits: d.bits }) : formatBit({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bit: d.bit! });
    return {
      key: differenceKey(d),
      address,
      name: d.name,
      width: bits[1] - bits[0] + 1,
      values: d.values,
      class: d.class,
      flag: d.flag,
      why: d.why,
      remains: remaining.has(differenceKey(d)),
    };
  });
  return {
    hosts: hosts.map((h, i) => ({ id: h.id, label: describeHost(h.dump, h.path), module: r.hosts[i]?.module ?? '', tdCreated: r.hosts[i]?.tdCreated ?? false })),
    excluded: r.excluded.map((e) => ({ label: describeHost(hosts[e.host]?.dump, hosts[e.host]?.path ?? ''), why: e.why })),
    rows,
    compared: r.compared,
    cpu: r.differences.length ? r.cpu : null,
    flags: r.flags,
    verified: r.verified,
    notes: r.remaining.length ? [`${r.remaining.length} difference${r.remaining.length === 1 ? '' : 's'} remain with the suggested -cpu: per-host data no flag configures.`] : [],
  };
}

