// Small formatting helpers shared by the text and Markdown renderers of the engine commands.

import type { BitAddress, LeafKey } from '../../../shared/model/address';
import { formatBit, formatLeafKey } from '../../../shared/model/address';
import type { BitRow, Finding, Severity } from '../../../shared/engine/types';

export function hex(n: number | bigint | null): string {
  if (n === null) return 'unknown';
  return `0x${n.toString(16)}`;
}

export function bitLabel(a: BitAddress, name?: string | null): string {
  return name ? `${formatBit(a)} ${name}` : formatBit(a);
}

export function leafLabel(k: LeafKey): string {
  return formatLeafKey(k);
}

export const SEVERITY_WORD: Readonly<Record<Severity, string>> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

export function findingBits(f: Finding, max = 6): string {
  const list = f.bits.slice(0, max).map((b) => formatBit(b));
  return f.bits.length > max ? `${list.join(', ')} (+${f.bits.length - max})` : list.join(', ');
}

/** Value of a row in a layer as a short token. */
export function v(x: 0 | 1 | null): string {
  return x === null ? '-' : String(x);
}

/** Named bits whose TD value differs from the host's (what a user asks first). */
export function hostToTdChanges(bits: readonly BitRow[]): BitRow[] {
  return bits.filter((r) => r.name !== null && r.values.host !== null && r.values.td !== null && r.values.host !== r.values.td);
}

/** Rows whose layers disagree. */
export function disagreements(bits: readonly BitRow[]): BitRow[] {
  return bits.filter((r) => r.disagreement);
}

const DECIDER_PREFIX: Readonly<Record<string, readonly string[]>> = {
  tdxCaps: ['KVM removes', 'KVM_TDX_CAPABILITIES'],
  qemuSupported: ['QEMU does not support', 'QEMU supports'],
  requested: ['QEMU -cpu', 'QEMU removes', "QEMU's CPU model"],
  initVm: ['KVM_TDX_INIT_VM', 'not in the KVM_TDX_INIT_VM'],
  host: ['host'],
  setCpuid: ["KVM's view"],
};

/** The reason of the layer that decided the TD value (the module's own words otherwise). */
export function keyReason(r: BitRow): string {
  const prefixes = DECIDER_PREFIX[r.decidedBy];
  if (prefixes) {
    const hit = r.reasons.find((x) => prefixes.some((p) => x.startsWith(p)));
    if (hit) return hit;
  }
  const notes = r.reasons.filter((x) => x.startsWith('module: '));
  return notes[notes.length - 1] ?? r.reasons.find((x) => x.startsWith('module ')) ?? '';
}
