// Firecracker CPU configuration JSON (firecracker-microvm/firecracker; input-formats.md §11):
// - custom CPU templates (docs/cpu_templates/schema.json): `cpuid_modifiers` entries
//   {leaf, subleaf, flags, modifiers: [{register, bitmap}]}, plus `msr_modifiers` and
//   `kvm_capabilities`. A bitmap is `0b` then 0/1/x/_ MSB first: 0 and 1 force the bit, x keeps
//   KVM's value, _ is a separator, missing high bits are x (src/vmm/src/cpu_config/templates.rs,
//   RegisterValueFilter deserialize). Applied as value = (value & !filter) | value_bits.
// - `cpu-template-helper fingerprint dump`: the same entries under `guest_cpu_config`, every bit
//   0 or 1 (the vCPU's CPUID after KVM_GET_SUPPORTED_CPUID and Firecracker's normalization),
//   with host metadata (firecracker_version, kernel_version, microcode_version, bios_*).
// leaf/subleaf/addr strings must start with `0x` or `0b` (templates_serde.rs,
// deserialize_from_str_u32); `flags` bit 0 is KVM_CPUID_FLAG_SIGNIFCANT_INDEX (linux uapi kvm.h).

import type { Reg } from '../model/address';
import { REGS, regIndex } from '../model/address';
import { CpuidTableBuilder } from '../model/cpuid-table';
import { finishDump } from '../model/build-dump';
import type { CpuRecord, CpuidDump, ValueKind } from '../model/dump';
import { FormatError } from '../model/errors';
import type { ParseWarning } from '../model/errors';
import type { JsonNode, JsonObject } from './located-json';
import { jsonMember, parseLocatedJson } from './located-json';
import type { Detection, InputFormat } from './types';

const FORMAT_ID = 'firecracker';
const KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;
const TEMPLATE_KEYS = new Set(['kvm_capabilities', 'cpuid_modifiers', 'msr_modifiers', 'vcpu_features', 'reg_modifiers']);
const ENTRY_SHAPE = '{"leaf": "0x..", "subleaf": "0x..", "flags": 0, "modifiers": [...]}';

interface FilterBits {
  /** 1 where the bitmap gives the bit (0 or 1). */
  readonly known: bigint;
  readonly value: bigint;
}

/**
 * Reads a bitmap the way Firecracker does: optional `0b`, then characters from the right;
 * more than `width` characters after the first `width` significant ones is an error.
 * Returns a message on error.
 */
export function parseFirecrackerBitmap(raw: string, width: 32 | 64): FilterBits | string {
  const body = raw.startsWith('0b') ? raw.slice(2) : raw;
  // Bits 0-31 and 32-63 gathered as numbers, made bigints once at the end (a bigint per
  // character made this the slowest step of reading a Firecracker template).
  let knownLo = 0;
  let knownHi = 0;
  let valueLo = 0;
  let valueHi = 0;
  let bit = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    if (bit === width) return `at most ${width} bits (0, 1, x; _ as separator)`;
    const c = body.charCodeAt(i);
    if (c === 95 /* _ */) continue;
    if (c === 48 /* 0 */ || c === 49 /* 1 */) {
      const m = 1 << (bit & 31);
      if (bit < 32) {
        knownLo |= m;
        if (c === 49) valueLo |= m;
      } else {
        knownHi |= m;
        if (c === 49) valueHi |= m;
      }
    } else if (c !== 120 /* x */) return `a bitmap of 0, 1, x and _ characters (MSB first), not '${body.charAt(i)}'`;
    bit++;
  }
  const big = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return { known: big(knownHi, knownLo), value: big(valueHi, valueLo) };
}

/** `0x1f` or `0b11111` as Firecracker accepts them (decimal is rejected); null otherwise. */
function parsePrefixedNumber(raw: string, max: bigint): bigint | null {
  const prefix = raw.slice(0, 2);
  const digits = raw.slice(2).replace(/^0+(?=.)/, '');
  let v: bigint;
  if (prefix === '0x' && /^[0-9a-fA-F]{1,16}$/.test(digits)) v = BigInt(`0x${digits}`);
  else if (prefix === '0b' && /^[01]{1,64}$/.test(digits)) v = BigInt(`0b${digits}`);
  else return null;
  return v <= max ? v : null;
}

interface Ctx {
  readonly name: string;
  readonly warnings: ParseWarning[];
}

function fail(ctx: Ctx, line: number, expected: string, found?: string): never {
  throw new FormatError(ctx.name, line, expected, found, FORMAT_ID);
}

function describe(node: JsonNode): string {
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return node.raw;
    case 'boolean':
      return String(node.value);
    default:
      return node.kind;
  }
}

function asObject(ctx: Ctx, node: JsonNode, expected: string): JsonObject {
  if (node.kind !== 'object') fail(ctx, node.line, expected, describe(node));
  return node;
}

function asArray(ctx: Ctx, node: JsonNode, expected: string): readonly JsonNode[] {
  if (node.kind !== 'array') fail(ctx, node.line, expected, describe(node));
  return node.items;
}

function required(ctx: Ctx, obj: JsonObject, key: string, what: string): JsonNode {
  const v = jsonMember(obj, key);
  if (v === undefined) fail(ctx, obj.line, `a "${key}" member in ${what}`);
  return v;
}

function stringOf(ctx: Ctx, node: JsonNode, expected: string): string {
  if (node.kind !== 'string') fail(ctx, node.line, expected, describe(node));
  return node.value;
}

function prefixedU32(ctx: Ctx, node: JsonNode, key: string): number {
  const raw = stringOf(ctx, node, `"${key}" as a string starting with 0x or 0b`);
  const v = parsePrefixedNumber(raw, 0xffffffffn);
  if (v === null) fail(ctx, node.line, `"${key}" as a 32-bit number starting with 0x (hex) or 0b (binary)`, raw);
  return Number(v);
}

interface LeafAcc {
  readonly leaf: number;
  readonly subleaf: number | undefined;
  readonly known: number[];
  readonly value: number[];
}

function readCpuidModifiers(ctx: Ctx, node: JsonNode): LeafAcc[] {
  const byKey = new Map<string, LeafAcc>();
  for (const item of asArray(ctx, node, '"cpuid_modifiers" as an array')) {
    const entry = asObject(ctx, item, `a cpuid_modifiers entry ${ENTRY_SHAPE}`);
    const leaf = prefixedU32(ctx, required(ctx, entry, 'leaf', 'a cpuid_modifiers entry'), 'leaf');
    const subleafNode = required(ctx, entry, 'subleaf', 'a cpuid_modifiers entry');
    const subleaf = prefixedU32(ctx, subleafNode, 'subleaf');
    const flagsNode = required(ctx, entry, 'flags', 'a cpuid_modifiers entry');
    if (flagsNode.kind !== 'number' || !/^[0-9]+$/.test(flagsNode.raw) || flagsNode.value > 0xffffffff) {
      fail(ctx, flagsNode.line, '"flags" as an unsigned 32-bit integer (1 = sub-leaf significant)', describe(flagsNode));
    }
    const significant = (flagsNode.value & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) !== 0;
    if (!significant && subleaf !== 0) {
      ctx.warnings.push({ line: subleafNode.line, message: `leaf 0x${leaf.toString(16)}: subleaf 0x${subleaf.toString(16)} ignored because flags bit 0 (significant index) is clear` });
    }
    const key = `${leaf}:${significant ? subleaf : '-'}`;
    let acc = byKey.get(key);
    if (!acc) byKey.set(key, (acc = { leaf, subleaf: significant ? subleaf : undefined, known: [0, 0, 0, 0], value: [0, 0, 0, 0] }));
    for (const modNode of asArray(ctx, required(ctx, entry, 'modifiers', 'a cpuid_modifiers entry'), '"modifiers" as an array')) {
      const mod = asObject(ctx, modNode, 'a modifier {"register": "eax", "bitmap": "0b..."}');
      const regNode = required(ctx, mod, 'register', 'a modifier');
      const reg = stringOf(ctx, regNode, '"register" as one of "eax", "ebx", "ecx", "edx"');
      if (!(REGS as readonly string[]).includes(reg)) fail(ctx, regNode.line, '"register" as one of "eax", "ebx", "ecx", "edx"', reg);
      const bitmapNode = required(ctx, mod, 'bitmap', 'a modifier');
      const bits = parseFirecrackerBitmap(stringOf(ctx, bitmapNode, '"bitmap" as a string like "0b0000xxxx1111"'), 32);
      if (typeof bits === 'string') fail(ctx, bitmapNode.line, `"bitmap" with ${bits}`, describe(bitmapNode));
      // Later modifiers of the same register apply on top of earlier ones.
      const r = regIndex(reg as Reg);
      const known = Number(bits.known);
      acc.value[r] = ((acc.value[r]! & ~known) | Number(bits.value)) >>> 0;
      acc.known[r] = (acc.known[r]! | known) >>> 0;
    }
  }
  return [...byKey.values()];
}

function readMsrModifiers(ctx: Ctx, node: JsonNode, annotations: Record<string, string>): void {
  const found: [number, string][] = [];
  for (const item of asArray(ctx, node, '"msr_modifiers" as an array')) {
    const entry = asObject(ctx, item, 'an msr_modifiers entry {"addr": "0x..", "bitmap": "0b..."}');
    const addr = prefixedU32(ctx, required(ctx, entry, 'addr', 'an msr_modifiers entry'), 'addr');
    const bitmapNode = required(ctx, entry, 'bitmap', 'an msr_modifiers entry');
    const bits = parseFirecrackerBitmap(stringOf(ctx, bitmapNode, '"bitmap" as a string like "0b0000xxxx1111"'), 64);
    if (typeof bits === 'string') fail(ctx, bitmapNode.line, `"bitmap" with ${bits}`, describe(bitmapNode));
    let text: string;
    if (bits.known === 0xffffffffffffffffn) text = `0x${bits.value.toString(16).padStart(16, '0')}`;
    else {
      text = '0b';
      for (let b = 63; b >= 0; b--) text += (bits.known >> BigInt(b)) & 1n ? String((bits.value >> BigInt(b)) & 1n) : 'x';
    }
    found.push([addr, text]);
  }
  for (const [addr, text] of found.sort((a, b) => a[0] - b[0])) annotations[`msr.0x${addr.toString(16)}`] = text;
}

function readKvmCapabilities(ctx: Ctx, node: JsonNode, annotations: Record<string, string>): void {
  const caps = asArray(ctx, node, '"kvm_capabilities" as an array of strings').map((n) => stringOf(ctx, n, 'a KVM capability such as "171" or "!172"'));
  if (caps.length > 0) annotations['kvm_capabilities'] = caps.join(', ');
}

function parseFirecracker(text: string, name: string): CpuidDump {
  const ctx: Ctx = { name, warnings: [] };
  const root = asObject(ctx, parseLocatedJson(text, name, FORMAT_ID), 'a JSON object: a Firecracker CPU template or a cpu-template-helper fingerprint');
  const annotations: Record<string, string> = {};
  const guestConfig = jsonMember(root, 'guest_cpu_config');
  const fingerprint = guestConfig !== undefined;
  let config: JsonObject;
  if (fingerprint) {
    config = asObject(ctx, guestConfig, '"guest_cpu_config" as an object');
    for (const m of root.members) {
      if (m.key === 'guest_cpu_config') continue;
      if (m.value.kind === 'string') annotations[m.key] = m.value.value;
      else if (m.value.kind === 'number') annotations[m.key] = m.value.raw;
      else ctx.warnings.push({ line: m.keyLine, message: `ignored fingerprint member "${m.key}" (${m.value.kind})` });
    }
  } else {
    config = root;
    if (!root.members.some((m) => TEMPLATE_KEYS.has(m.key))) {
      fail(ctx, root.line, 'a Firecracker CPU template ("cpuid_modifiers", "msr_modifiers", "kvm_capabilities") or a fingerprint ("guest_cpu_config")', root.members[0]?.key);
    }
  }
  for (const m of config.members) {
    if (!TEMPLATE_KEYS.has(m.key)) ctx.warnings.push({ line: m.keyLine, message: `ignored member "${m.key}" (not part of a Firecracker x86 CPU template)` });
    else if (m.key === 'vcpu_features' || m.key === 'reg_modifiers') ctx.warnings.push({ line: m.keyLine, message: `"${m.key}" is for aarch64 and holds no CPUID` });
  }

  const cpuidNode = jsonMember(config, 'cpuid_modifiers');
  const leaves = cpuidNode ? readCpuidModifiers(ctx, cpuidNode) : [];
  if (!cpuidNode) ctx.warnings.push({ line: config.line, message: 'no "cpuid_modifiers": the template changes no CPUID bit' });
  const msrNode = jsonMember(config, 'msr_modifiers');
  if (msrNode) readMsrModifiers(ctx, msrNode, annotations);
  const capsNode = jsonMember(config, 'kvm_capabilities');
  if (capsNode) readKvmCapabilities(ctx, capsNode, annotations);

  const complete = leaves.length > 0 && leaves.every((l) => l.known.every((k) => k === 0xffffffff));
  // A fingerprint (or `template dump` output, which starts at leaf 0) with every bit given is
  // a full CPUID snapshot; anything else says only which bits it forces.
  const valueKind: ValueKind = complete && (fingerprint || leaves.some((l) => l.leaf === 0)) ? 'values' : 'ternary';
  if (fingerprint && valueKind !== 'values') {
    ctx.warnings.push({ line: config.line, message: 'fingerprint with bits that are not 0 or 1 (or registers missing): read as a template of known bits' });
  }
  const values = new CpuidTableBuilder();
  const known = new CpuidTableBuilder();
  for (const l of leaves) {
    values.add({ leaf: l.leaf, subleaf: l.subleaf, eax: l.value[0]!, ebx: l.value[1]!, ecx: l.value[2]!, edx: l.value[3]! });
    known.add({ leaf: l.leaf, subleaf: l.subleaf, eax: l.known[0]!, ebx: l.known[1]!, ecx: l.known[2]!, edx: l.known[3]! });
  }
  const cpu: CpuRecord = {
    id: 0,
    table: values.build(),
    label: fingerprint ? 'guest vCPU (cpu-template-helper fingerprint)' : 'vCPU template',
    ...(valueKind === 'ternary' ? { known: known.build() } : {}),
  };
  return finishDump({ format: FORMAT_ID, name, valueKind, cpus: [cpu], annotations, warnings: ctx.warnings });
}

function detectFirecracker(text: string): Detection | null {
  const head = text.slice(0, 65536);
  if (!/^\s*\{/.test(head)) return null;
  const cpuidArray = /"cpuid_modifiers"\s*:\s*\[/.test(head);
  const entries = /"leaf"\s*:\s*"0[xb]/.test(head);
  if (cpuidArray && /"guest_cpu_config"\s*:\s*\{/.test(head)) {
    return { confidence: 0.95, reason: 'Firecracker cpu-template-helper fingerprint (guest_cpu_config.cpuid_modifiers)' };
  }
  if (cpuidArray && entries) return { confidence: 0.9, reason: 'Firecracker custom CPU template (cpuid_modifiers with leaf/subleaf/bitmap)' };
  // A JSON Schema names the same members but as objects ("cpuid_modifiers": {...}), so it is not matched.
  if (cpuidArray || /"msr_modifiers"\s*:\s*\[/.test(head)) return { confidence: 0.6, reason: 'Firecracker CPU template without CPUID entries' };
  return null;
}

export const firecrackerFormat: InputFormat<CpuidDump> = {
  id: FORMAT_ID,
  title: 'Firecracker CPU template / cpu-template-helper fingerprint JSON',
  role: 'guest',
  detect: detectFirecracker,
  parse: parseFirecracker,
};
