// Helpers the rules share: naming bits the way engineers write them ("7.0.EBX[4] HLE",
// Linux X86_FEATURE name, QEMU `-cpu` property), lists of bits, register masks to bit
// addresses, and whether the prediction is meaningful at all (a host the module refuses
// is reported once, by module-init-verify, not by every rule that follows from it).

import type { BitAddress, LeafKey, Reg } from '../../model/address';
import { bits64, bitsOf, formatBit, formatLeafKey } from '../../model/address';
import { bitInfo, findBitByName } from '../../knowledge/bits';
import { qemuFeatureByName, qemuFeatureName } from '../../knowledge/qemu/qemu-knowledge';
import { compareModuleVersions, parseModuleVersion } from '../../knowledge/tdx-module/versions';
import { ATTRIBUTE_NAMES, xfamName } from '../../knowledge/td-params';
import type { RuleContext } from './types';

/** Name of a bit: Linux X86_FEATURE name (HLE, AVX512F), else the decode name; null when unnamed. */
export function bitName(a: BitAddress): string | null {
  const e = bitInfo(a);
  if (!e || e.kind !== 'bit') return null;
  return e.linux ?? e.displayName ?? null;
}

/** `7.0.EBX[4] HLE` (+ ` (-cpu hle)` style QEMU name when it differs from the Linux name). */
export function bitLabel(a: BitAddress, withQemu = false): string {
  const name = bitName(a);
  const q = withQemu ? qemuFeatureName(a.leaf, a.subleaf, a.reg, a.bit) : undefined;
  const qemu = q && (!name || q.replace(/[-_.]/g, '').toLowerCase() !== name.replace(/[-_.]/g, '').toLowerCase()) ? ` (QEMU ${q})` : '';
  return `${formatBit(a)}${name ? ` ${name}` : ''}${qemu}`;
}

/** "a, b and c" (at most `max` items, then "and N more"). */
export function listWords(items: readonly string[], max = 8): string {
  if (items.length === 0) return '';
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export function bitList(bits: readonly BitAddress[], max = 8, withQemu = false): string {
  return listWords(
    bits.map((b) => bitLabel(b, withQemu)),
    max,
  );
}

/** Bit addresses of the set bits of a register mask. */
export function maskBits(leaf: number, subleaf: number | null, reg: Reg, mask: number): BitAddress[] {
  return bitsOf(mask >>> 0).map((bit) => ({ leaf, subleaf, reg, bit }));
}

export function leafLabel(k: LeafKey): string {
  return `leaf ${formatLeafKey(k)}`;
}

export function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}

/**
 * False when the host is known to fail the module's init verification: the predicted TD does
 * not exist, and rules that compare predictions would only repeat module-init-verify.
 */
export function predictionUsable(ctx: RuleContext): boolean {
  return ctx.state.status.moduleInitializes !== false;
}

const TOPOLOGY_ENUM_MODULE = parseModuleVersion('1.5.05')!;

/**
 * False when upstream KVM (6.16 ABI) does not use the module at all: before 1.5.05 it lacks
 * TDX_FEATURES0.TOPOLOGY_ENUM (rule module-too-old-for-kvm reports it, once).
 */
export function kvmUsesModule(ctx: RuleContext): boolean {
  return ctx.kvm.tdx.abi !== '6.16' || compareModuleVersions(ctx.module.info.parsed, TOPOLOGY_ENUM_MODULE) >= 0;
}

/** The predicted TD exists: the module initializes, KVM uses it, and no stage refuses the configuration. */
export function tdExpected(ctx: RuleContext): boolean {
  return predictionUsable(ctx) && kvmUsesModule(ctx) && ctx.state.status.tdCreated;
}

/** Bits the user's `-cpu` flags name explicitly (`+f` / `f=on` and `-f` / `f=off`). */
export function userFlagBits(ctx: RuleContext): { readonly on: BitAddress[]; readonly off: BitAddress[] } {
  const on: BitAddress[] = [];
  const off: BitAddress[] = [];
  for (const f of ctx.context.cpu.flags) {
    let a: BitAddress | undefined = qemuFeatureByName(f.name);
    if (!a) {
      const e = findBitByName(f.name);
      if (e && e.bits[0] === e.bits[1]) {
        const subleaf = Array.isArray(e.subleaf) ? (e.subleaf as readonly [number, number])[0] : (e.subleaf as number | null);
        a = { leaf: e.leaf, subleaf, reg: e.reg, bit: e.bits[0] };
      }
    }
    if (a) (f.on ? on : off).push(a);
  }
  return { on, off };
}

/** "module 1.5.06" (with the requested version when a nearer table stands in for it). */
export function moduleWords(ctx: RuleContext): string {
  const c = ctx.context.moduleChoice;
  return c.exact || c.requested === null ? `module ${ctx.module.version}` : `module ${c.requested} (table ${ctx.module.version})`;
}


export function attributeList(v: bigint): string {
  return listWords(bits64(v).map((b) => `${ATTRIBUTE_NAMES[b] ?? 'reserved'} (bit ${b})`));
}

export function xfamList(v: bigint): string {
  return listWords(bits64(v).map((b) => `${xfamName(b) ?? 'reserved'} (XFAM[${b}])`));
}

/** CPUID bit that reports an ATTRIBUTES bit to the TD, where one does (tdx-cpuid-model.md 2.1, 4). */
export function attributeCpuidBit(bit: number): BitAddress | null {
  switch (bit) {
    case 27:
      return { leaf: 7, subleaf: 1, reg: 'eax', bit: 6 };
    case 30:
      return { leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 };
    case 31:
      return { leaf: 7, subleaf: 0, reg: 'ecx', bit: 23 };
    default:
      return null;
  }
}

/** CPUID bit that enumerates an XSAVE component: 0xD.0.EAX[n] (XCR0 components) or 0xD.1.ECX[n] (IA32_XSS). */
export function xfamCpuidBit(n: number): BitAddress | null {
  if (n >= 32) return null;
  const xss = n === 8 || (n >= 10 && n <= 16);
  return xss ? { leaf: 0xd, subleaf: 1, reg: 'ecx', bit: n } : { leaf: 0xd, subleaf: 0, reg: 'eax', bit: n };
}

/** Every bit of a register whose value differs between two masks (known on both sides). */
export function diffMask(a: { v: number; k: number }, b: { v: number; k: number }): number {
  return ((a.v ^ b.v) & a.k & b.k) >>> 0;
}
