// Human-readable `tdx-cpuid decode` output: one block per leaf (registers in hex, the leaf's
// description, its named fields and the features that are set), then the heterogeneity.

import { formatField, hex32 } from '../../model/address';
import { leafDescription } from '../bits/index';
import type { ValueKind } from '../../model/dump';
import type { DecodeReport } from './report';
import type { DecodedFeature, DecodedField, HeterogeneousField } from './types';

const WIDTH = 100;

const VALUE_KIND_NOTE: Readonly<Record<Exclude<ValueKind, 'values'>, string>> = {
  flags: 'feature flags only (/proc/cpuinfo): bits without a flag name are unknown (?), the rest of the registers is not CPUID output',
  ternary: 'a template: bits it leaves unspecified are unknown (?)',
  mask: 'a feature mask, not CPUID output: 1 means the bit is in the set',
};

function hexNum(n: number): string {
  return n < 10 ? String(n) : `0x${n.toString(16)}`;
}

function leafLabel(leaf: number, subleaf: number | null): string {
  const l = `0x${leaf.toString(16).padStart(8, '0')}`;
  return subleaf === null ? l : `${l}.${subleaf.toString(16)}`;
}

/** Words wrapped after `lead` to the output width, continuation lines indented. */
function wrap(lead: string, words: readonly string[]): string[] {
  const lines: string[] = [];
  let cur = lead;
  const indent = ' '.repeat(lead.length);
  for (const w of words) {
    if (cur.length + 1 + w.length > WIDTH && cur.trim() !== lead.trim()) {
      lines.push(cur);
      cur = indent + w;
    } else cur = cur === lead ? `${lead}${w}` : `${cur} ${w}`;
  }
  if (cur.trim() !== lead.trim()) lines.push(cur);
  return lines;
}

/** `CPUs 0-15` from a run that starts at `start` and ends before the next run. */
function cpuRange(ids: readonly number[], start: number, nextStart: number | undefined): string {
  const from = ids.indexOf(start);
  const to = nextStart === undefined ? ids.length - 1 : ids.indexOf(nextStart) - 1;
  const a = ids[from]!;
  const b = ids[Math.max(from, to)]!;
  return a === b ? `CPU ${a}` : `CPUs ${a}-${b}`;
}

function heterogeneityLine(h: HeterogeneousField, cpuIds: readonly number[]): string {
  const where = formatField({ leaf: h.leaf, subleaf: h.subleaf, reg: h.reg, bits: h.bits });
  const starts = Object.keys(h.cpus).map(Number);
  const parts = starts.map((s, i) => {
    const v = h.cpus[String(s)];
    return `${cpuRange(cpuIds, s, starts[i + 1])} = ${v === null || v === undefined ? 'absent' : hexNum(v)}`;
  });
  return `  ${where}${h.name ? ` ${h.name}` : ''}: ${parts.join(', ')}`;
}

export interface TextOptions {
  /** CPU ids of the dump in order (to print runs as ranges). */
  readonly cpuIds: readonly number[];
}

export function renderDecodeText(r: DecodeReport, opts: TextOptions): string {
  const out: string[] = [];
  const s = r.source;
  const fms = s.family === null ? '' : `, family ${hexNum(s.family)} model ${hexNum(s.model ?? 0)} stepping ${s.stepping ?? 0}`;
  out.push(`${s.path}: ${s.format}, ${s.cpuCount} CPU${s.cpuCount === 1 ? '' : 's'}, ${s.vendor ?? 'unknown vendor'}${s.brand ? ` "${s.brand}"` : ''}${fms}`);
  if (r.signatures.hypervisor) out.push(`hypervisor: "${r.signatures.hypervisor}"`);
  if (r.signatures.tdx) out.push(`TDX signature (leaf 0x21): "${r.signatures.tdx}"`);
  if (r.valueKind !== 'values') out.push(VALUE_KIND_NOTE[r.valueKind]);
  out.push('');
  const cpuBlocks = r.cpus ?? [{ cpu: r.cpu, leaves: r.leaves, features: r.features }];
  for (const block of cpuBlocks) {
    out.push(`CPU ${block.cpu}`);
    const fieldsByLeaf = new Map<string, DecodedField[]>();
    if (block.cpu === r.cpu) {
      for (const f of r.fields) {
        const k = `${f.leaf}:${f.subleaf}`;
        (fieldsByLeaf.get(k) ?? fieldsByLeaf.set(k, []).get(k)!).push(f);
      }
    }
    const featuresByLeaf = new Map<string, DecodedFeature[]>();
    for (const f of block.features) {
      const k = `${f.leaf}:${f.subleaf}`;
      (featuresByLeaf.get(k) ?? featuresByLeaf.set(k, []).get(k)!).push(f);
    }
    for (const l of block.leaves) {
      const k = `${l.leaf}:${l.subleaf}`;
      const desc = leafDescription(l.leaf);
      out.push(`${leafLabel(l.leaf, l.subleaf).padEnd(13)} eax=${hex32(l.eax)} ebx=${hex32(l.ebx)} ecx=${hex32(l.ecx)} edx=${hex32(l.edx)}`);
      if (desc && (l.subleaf === null || l.subleaf === 0)) out.push(`    ${desc}`);
      const fields = fieldsByLeaf.get(k) ?? [];
      if (fields.length) out.push(...wrap('    fields: ', fields.map((f) => `${f.name}=${f.value === null ? '?' : hexNum(f.value)}`)));
      const feats = featuresByLeaf.get(k) ?? [];
      const set = feats.filter((f) => f.value === 1).map((f) => f.name);
      if (set.length) out.push(...wrap('    set: ', set));
      const unknown = feats.filter((f) => f.value === null).length;
      if (unknown && r.valueKind !== 'values') out.push(`    (${unknown} named bits not given by the source)`);
    }
    out.push('');
  }
  if (r.heterogeneous.length === 0) {
    out.push(s.cpuCount > 1 ? 'Heterogeneous: none (all CPUs agree apart from per-CPU IDs)' : 'Heterogeneous: single CPU');
  } else {
    out.push(`Heterogeneous (${r.heterogeneous.length}; per-CPU IDs such as APIC IDs left out):`);
    for (const h of r.heterogeneous) out.push(heterogeneityLine(h, opts.cpuIds));
  }
  return `${out.join('\n')}\n`;
}
