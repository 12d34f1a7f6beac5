// Linux `/proc/cpuinfo` (input-formats.md §5): one record per logical CPU, records separated
// by an empty line, lines `key<TAB>+: value`. Only the `flags` list says anything about
// CPUID, and only for bits Linux gives a /proc name: the dump is `valueKind: 'flags'`, and
// each CPU's `known` table marks the bits that have such a name (a name that is absent means
// 0 there; every other bit is unknown). Flags without a CPUID bit (constant_tsc, pti,
// tdx_guest, ...) are kept as annotations. vendor_id, cpu family/model/stepping, model name,
// cpuid level, clflush size, initial apicid and address sizes are written back into the
// registers they come from so that the metadata reads right; they are marked as synthesized.
// Flag names: Linux cpufeatures.h / scattered.c via the bit knowledge (build/knowledge/bits).

import type { Reg } from '../model/address';
import { REGS, regIndex } from '../model/address';
import { finishDump } from '../model/build-dump';
import type { CpuidEntry } from '../model/cpuid-table';
import { CpuidTable } from '../model/cpuid-table';
import type { CpuRecord, CpuidDump, CpuTopology } from '../model/dump';
import { FormatError } from '../model/errors';
import type { ParseWarning } from '../model/errors';
import { encodeFms } from '../model/fms';
import { splitLines, stripBom } from '../model/text';
import { allBitEntries } from '../knowledge/bits/index';
import type { BitEntry } from '../knowledge/bits/index';
import type { Detection, InputFormat } from './types';

const FORMAT = 'proc-cpuinfo';
const LINE_EXAMPLE = "a 'key<TAB>: value' line such as 'flags\\t\\t: fpu vme de pse'";

/** Where a /proc name lives, and the registers whose bits are all covered by /proc names. */
interface ProcIndex {
  readonly byName: ReadonlyMap<string, readonly BitEntry[]>;
  /** `leaf:subleaf` -> per-register mask of bits that have a /proc name. */
  readonly knownMasks: ReadonlyMap<string, { leaf: number; subleaf: number | null; masks: number[] }>;
}

let procIndex: ProcIndex | undefined;

function getProcIndex(): ProcIndex {
  if (procIndex) return procIndex;
  const byName = new Map<string, BitEntry[]>();
  const knownMasks = new Map<string, { leaf: number; subleaf: number | null; masks: number[] }>();
  for (const e of allBitEntries()) {
    if (!e.proc || e.kind !== 'bit' || Array.isArray(e.subleaf)) continue;
    const subleaf = e.subleaf as number | null;
    const list = byName.get(e.proc) ?? [];
    list.push(e);
    byName.set(e.proc, list);
    const k = `${e.leaf}:${subleaf}`;
    const m = knownMasks.get(k) ?? { leaf: e.leaf, subleaf, masks: [0, 0, 0, 0] };
    m.masks[regIndex(e.reg)] = (m.masks[regIndex(e.reg)]! | (1 << e.bits[0])) >>> 0;
    knownMasks.set(k, m);
  }
  procIndex = { byName, knownMasks };
  return procIndex;
}

interface Field {
  readonly value: string;
  readonly line: number;
}

interface RawRecord {
  readonly line: number;
  readonly fields: Map<string, Field>;
}

const KEY_LINE = /^([A-Za-z][A-Za-z0-9 _()-]*?)\s*:(?:\s(.*))?$/;

export function detectProcCpuinfo(text: string): Detection | null {
  const head = text.slice(0, 16384);
  const processor = /^processor\s*:\s*\d+\s*$/m.test(head);
  const flags = /^flags\s*:/m.test(head);
  const vendor = /^vendor_id\s*:/m.test(head);
  if (processor && flags) return { confidence: 0.95, reason: 'Linux /proc/cpuinfo: processor records with a flags line' };
  if (processor && vendor) return { confidence: 0.85, reason: 'Linux /proc/cpuinfo: processor records (flags beyond the first 16 KB)' };
  if (flags && vendor) return { confidence: 0.6, reason: 'looks like a /proc/cpuinfo record (no processor line)' };
  return null;
}

function readRecords(text: string, name: string): RawRecord[] {
  const records: RawRecord[] = [];
  let cur: RawRecord | null = null;
  for (const { no, text: raw } of splitLines(stripBom(text))) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '') {
      cur = null;
      continue;
    }
    const m = KEY_LINE.exec(line);
    if (!m) throw new FormatError(name, no, LINE_EXAMPLE, line, FORMAT);
    const key = m[1]!.trim();
    const value = (m[2] ?? '').trim();
    if (!cur || (key === 'processor' && cur.fields.has('processor'))) {
      cur = { line: no, fields: new Map() };
      records.push(cur);
    }
    if (cur.fields.has(key)) throw new FormatError(name, no, `one '${key}' line per CPU record (records are separated by an empty line)`, line, FORMAT);
    cur.fields.set(key, { value, line: no });
  }
  return records;
}

function decimal(f: Field | undefined, name: string, what: string): number | undefined {
  if (!f || f.value === '' || f.value === 'unknown') return undefined;
  if (!/^\d{1,10}$/.test(f.value)) throw new FormatError(name, f.line, `${what} as a decimal number`, f.value, FORMAT);
  return Number(f.value);
}

function asciiRegs(s: string, count: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < count; r++) {
    let v = 0;
    for (let i = 3; i >= 0; i--) v = (v << 8) | (s.charCodeAt(4 * r + i) & 0xff);
    out.push(v >>> 0);
  }
  return out;
}

/** Registers of one CPU under construction: values and known masks per leaf/sub-leaf. */
class RegisterSheet {
  private readonly slots = new Map<string, { leaf: number; subleaf: number | null; v: number[]; k: number[] }>();

  slot(leaf: number, subleaf: number | null) {
    const key = `${leaf}:${subleaf}`;
    let s = this.slots.get(key);
    if (!s) this.slots.set(key, (s = { leaf, subleaf, v: [0, 0, 0, 0], k: [0, 0, 0, 0] }));
    return s;
  }

  set(leaf: number, subleaf: number | null, reg: Reg, value: number, knownMask: number): void {
    const s = this.slot(leaf, subleaf);
    const r = regIndex(reg);
    s.v[r] = ((s.v[r]! & ~knownMask) | (value & knownMask)) >>> 0;
    s.k[r] = (s.k[r]! | knownMask) >>> 0;
  }

  tables(): { table: CpuidTable; known: CpuidTable } {
    const values: CpuidEntry[] = [];
    const known: CpuidEntry[] = [];
    for (const s of this.slots.values()) {
      values.push({ leaf: s.leaf, subleaf: s.subleaf, eax: s.v[0]!, ebx: s.v[1]!, ecx: s.v[2]!, edx: s.v[3]! });
      known.push({ leaf: s.leaf, subleaf: s.subleaf, eax: s.k[0]!, ebx: s.k[1]!, ecx: s.k[2]!, edx: s.k[3]! });
    }
    return { table: CpuidTable.fromEntries(values), known: CpuidTable.fromEntries(known) };
  }
}

/** Picks the bit a /proc name means on this vendor (`mba`: Intel leaf 0x10, AMD 0x80000008). */
function pick(entries: readonly BitEntry[], amdLike: boolean): BitEntry {
  if (entries.length === 1) return entries[0]!;
  return entries.find((e) => (e.leaf >= 0x80000000) === amdLike) ?? entries[0]!;
}

interface CpuResult {
  readonly record: CpuRecord;
  readonly linuxOnly: readonly string[];
}

function buildCpu(rec: RawRecord, index: number, name: string, ids: Set<number>): CpuResult {
  const f = rec.fields;
  const id = decimal(f.get('processor'), name, 'the processor number') ?? index;
  if (ids.has(id)) throw new FormatError(name, f.get('processor')?.line ?? rec.line, `a processor number not used before`, String(id), FORMAT);
  ids.add(id);
  const vendor = f.get('vendor_id')?.value ?? '';
  const amdLike = vendor === 'AuthenticAMD' || vendor === 'HygonGenuine';
  const sheet = new RegisterSheet();
  const idx = getProcIndex();
  const level = decimal(f.get('cpuid level'), name, 'the cpuid level');
  const tokens = f.get('flags')?.value.split(/\s+/).filter(Boolean) ?? [];
  const flagged = new Set(tokens.flatMap((t) => (idx.byName.get(t) ?? []).map((e) => e.leaf)));
  // A named bit that is absent is known to be 0, in the leaves this CPU can have: basic
  // leaves up to `cpuid level`, the extended range, and the Transmeta/Centaur ranges only
  // when one of their flags is present.
  for (const m of idx.knownMasks.values()) {
    if (m.leaf < 0x40000000 && level !== undefined && m.leaf > level) continue;
    if (m.leaf >= 0x80860000 && !flagged.has(m.leaf)) continue;
    REGS.forEach((reg, r) => m.masks[r] && sheet.set(m.leaf, m.subleaf, reg, 0, m.masks[r]!));
  }

  const linuxOnly: string[] = [];
  for (const flag of tokens) {
    const entries = idx.byName.get(flag);
    if (!entries) {
      linuxOnly.push(flag);
      continue;
    }
    const e = pick(entries, amdLike);
    const sub = e.subleaf as number | null;
    sheet.set(e.leaf, sub, e.reg, 1 << e.bits[0], 1 << e.bits[0]);
    // The same name elsewhere is then not known to be 0.
    for (const other of entries) {
      if (other === e) continue;
      const s = sheet.slot(other.leaf, other.subleaf as number | null);
      s.k[regIndex(other.reg)] = (s.k[regIndex(other.reg)]! & ~(1 << other.bits[0])) >>> 0;
    }
  }

  // Synthesized registers (metadata the text states).
  if (vendor.length === 12) {
    const [a, b, c] = asciiRegs(vendor, 3);
    sheet.set(0, null, 'ebx', a!, 0xffffffff);
    sheet.set(0, null, 'edx', b!, 0xffffffff);
    sheet.set(0, null, 'ecx', c!, 0xffffffff);
  }
  if (level !== undefined) sheet.set(0, null, 'eax', level, 0xffffffff);
  const family = decimal(f.get('cpu family'), name, 'the cpu family');
  const model = decimal(f.get('model'), name, 'the model number');
  const stepping = decimal(f.get('stepping'), name, 'the stepping');
  if (family !== undefined && model !== undefined) {
    if (family > 0xff + 0xf || model > 0xff || (stepping ?? 0) > 0xf) {
      throw new FormatError(name, f.get('cpu family')!.line, 'a family/model/stepping that fits CPUID.1:EAX', `${family}/${model}/${stepping}`, FORMAT);
    }
    sheet.set(1, null, 'eax', encodeFms(family, model, stepping ?? 0), stepping === undefined ? 0x0fff0ff0 : 0x0fff0fff);
  }
  const clflush = decimal(f.get('clflush size'), name, 'the clflush size');
  if (clflush !== undefined && clflush % 8 === 0 && clflush / 8 <= 0xff) sheet.set(1, null, 'ebx', (clflush / 8) << 8, 0xff00);
  const apic = decimal(f.get('initial apicid'), name, 'the initial APIC ID');
  if (apic !== undefined && apic <= 0xff) sheet.set(1, null, 'ebx', apic << 24, 0xff000000);
  const sizes = f.get('address sizes');
  if (sizes) {
    const m = /^(\d{1,3}) bits physical, (\d{1,3}) bits virtual$/.exec(sizes.value);
    if (m && Number(m[1]) <= 0xff && Number(m[2]) <= 0xff) sheet.set(0x80000008, null, 'eax', Number(m[1]) | (Number(m[2]) << 8), 0xffff);
  }
  const brand = f.get('model name')?.value;
  if (brand && brand !== 'unknown') {
    const padded = brand.slice(0, 47).padEnd(48, '\0');
    const regs = asciiRegs(padded, 12);
    for (let l = 0; l < 3; l++) REGS.forEach((reg, r) => sheet.set(0x80000002 + l, null, reg, regs[4 * l + r]!, 0xffffffff));
  }

  const pkg = decimal(f.get('physical id'), name, 'the physical id');
  const core = decimal(f.get('core id'), name, 'the core id');
  const apicId = decimal(f.get('apicid'), name, 'the APIC ID');
  const topology: CpuTopology = {
    ...(pkg !== undefined ? { package: pkg } : {}),
    ...(core !== undefined ? { core } : {}),
    ...(apicId !== undefined ? { apicId } : {}),
  };
  const { table, known } = sheet.tables();
  return { record: { id, table, known, topology, label: `processor ${id}` }, linuxOnly };
}

export function parseProcCpuinfo(text: string, name: string): CpuidDump {
  const records = readRecords(text, name);
  if (records.length === 0) throw new FormatError(name, 0, "/proc/cpuinfo records ('processor\\t: 0' ... 'flags\\t\\t: ...')", undefined, FORMAT);
  if (!records.some((r) => r.fields.has('flags'))) {
    throw new FormatError(name, records[0]!.line, "a record with a 'flags' line (the CPU feature flags)", undefined, FORMAT);
  }
  const ids = new Set<number>();
  const built = records.map((r, i) => buildCpu(r, i, name, ids));
  const warnings: ParseWarning[] = [];
  records.forEach((r, i) => {
    if (!r.fields.has('flags')) warnings.push({ line: r.line, message: `processor ${built[i]!.record.id} has no flags line: all its feature bits are unknown` });
  });
  const cpus = built.map((b) => b.record).sort((a, b) => a.id - b.id);
  const first = built[0]!;
  const allLinuxOnly = new Set(built.flatMap((b) => b.linuxOnly));
  const annotations: Record<string, string> = {
    synthesized:
      'leaf 0 (vendor_id, cpuid level), 1.EAX (cpu family/model/stepping), 1.EBX (clflush size, initial apicid), 0x80000008.EAX[15:0] (address sizes) and 0x80000002-0x80000004 (model name) are rebuilt from the text, not read from CPUID',
    flagsMeaning:
      'only bits with a Linux /proc/cpuinfo name are known (v6.13-era names): a missing name means 0 as far as the kernel reports it (the kernel hides features it disabled or does not support)',
  };
  if (first.linuxOnly.length) annotations['linuxFlags'] = first.linuxOnly.join(' ');
  const bugs = records[0]!.fields.get('bugs')?.value;
  if (bugs) annotations['bugs'] = bugs;
  const vmx = records[0]!.fields.get('vmx flags')?.value;
  if (vmx) annotations['vmxFlags'] = vmx;
  if (allLinuxOnly.has('tdx_guest')) annotations['tdx_guest'] = 'yes: the kernel runs as an Intel TDX guest (flag tdx_guest)';
  const microcode = records[0]!.fields.get('microcode')?.value;
  if (microcode) annotations['microcode'] = microcode;
  return finishDump({ format: FORMAT, name, valueKind: 'flags', cpus, annotations, warnings });
}

export const procCpuinfoFormat: InputFormat<CpuidDump> = {
  id: FORMAT,
  title: 'Linux /proc/cpuinfo (feature flags only)',
  role: 'host',
  detect: (text) => {
    try {
      return detectProcCpuinfo(text);
    } catch {
      return null;
    }
  },
  parse: parseProcCpuinfo,
};
