// Per-bit reconciliation rows (cli-contract `bits[]`) and multi-bit field rows (`fields`):
// class, gates, value per layer, who decided the TD value, whether layers disagree, and the
// reason chain in words, layer by layer ("host 1", "module 1.5.06: configurable and native,
// XFAM[5,6,7] required", "KVM_TDX_CAPABILITIES offers it", "QEMU -cpu host requests it", "TD 1").
// Everything that is the same for a whole register is computed once per register, and repeated
// sentences are shared, so that all ~13,000 rows of a host take a few milliseconds.

import type { BitAddress, LeafKey, Reg } from '../model/address';
import { REGS, extractField, formatBit } from '../model/address';
import type { LayerId } from '../model/layers';
import { LAYER_IDS } from '../model/layers';
import type { BitEntry, RegLayout } from '../knowledge/bits';
import { layoutOf } from '../knowledge/bits';
import { qemuFeatureWord } from '../knowledge/qemu/qemu-knowledge';
import type { QemuFeatureWord } from '../knowledge/qemu/qemu-knowledge';
import type { ModuleEntry } from '../knowledge/tdx-module/module-table';
import { CLASS_WORDS, dynamicMask, registerClasses, registerGates } from './classes';
import type { Bits } from './layer';
import { layerReg } from './layer';
import type { EngineState } from './pipeline';
import { allLeafKeys } from './pipeline';
import { capsKey } from './predict/tdx-caps';
import type { BitClass, BitRow, FieldRow, Gate, LayerValues } from './types';
import { BIT_CLASSES } from './types';

/** Everything the rows of one register need, read once. */
interface RegContext {
  readonly key: LeafKey;
  readonly reg: Reg;
  readonly entry: ModuleEntry | undefined;
  readonly layout: RegLayout;
  readonly word: QemuFeatureWord | undefined;
  readonly bits: Readonly<Record<LayerId, Bits | null>>;
  /** The same in LAYER_IDS order (signature() reads it for every bit: by index, not by key). */
  readonly bitList: readonly (Bits | null)[];
  readonly predictedTd: Bits | null;
  readonly predictedCaps: Bits | null;
  readonly notes: readonly { readonly mask: number; readonly text: string }[];
  readonly qemuWhy: readonly (readonly [number, string])[];
  readonly guestNote: string | undefined;
  readonly dynamic: number;
  readonly guestControlled: number;
  readonly kvmCleared: number;
  readonly userOn: number;
  readonly userOff: number;
  readonly pmuCleared: number;
  readonly capturedS: boolean;
  readonly capturedG: boolean;
  /** Bits whose layers disagree. */
  readonly disagreements: number;
  /** Class and gates of each bit of the register (computed once per register). */
  readonly classes: readonly BitClass[];
  /** Gates of each bit (shared lists from the module entry; see registerGates). */
  readonly gates: readonly (readonly Gate[])[];
  readonly module: EngineState['module'];
}

function gatesAt(c: RegContext, bit: number): readonly Gate[] {
  return c.gates[bit]!;
}

/** Shared strings and per-state caches for one row-building pass. */
class Phrases {
  private readonly moduleLine = new Map<string, string>();
  readonly cpuText: string;
  readonly cpuModel: string;
  readonly tdSuffix: string;
  readonly version: string;

  constructor(readonly state: EngineState) {
    this.cpuText = state.context.cpu.text;
    this.cpuModel = state.context.cpu.model;
    this.tdSuffix = state.status.tdCreated ? '' : ' (if the TD were created)';
    this.version = state.module.version;
  }

  module(cls: BitClass, gates: readonly Gate[]): string {
    const k = gates.length ? `${cls}|${gates.join(',')}` : cls;
    let s = this.moduleLine.get(k);
    if (s === undefined) {
      s = `module ${this.version}: ${CLASS_WORDS[cls]}${gateWords(gates)}`;
      this.moduleLine.set(k, s);
    }
    return s;
  }
}

const HOST: Readonly<Record<string, string>> = { '0': 'host 0', '1': 'host 1', null: 'host: not in the dump' };
const TD_WORDS: Readonly<Record<string, string>> = { '0': 'TD 0', '1': 'TD 1', null: 'TD: not predicted' };

function regContext(state: EngineState, key: LeafKey, reg: Reg): RegContext {
  const entry = state.module.get(key.leaf, key.subleaf);
  const bits = {} as Record<LayerId, Bits | null>;
  const bitList: (Bits | null)[] = [];
  for (const id of LAYER_IDS) {
    const l = state.layers[id];
    bits[id] = l ? (layerReg(l, key.leaf, key.subleaf, reg) ?? null) : null;
    bitList.push(bits[id]);
  }
  const ck = capsKey(key.leaf, key.subleaf, reg);
  const qm = state.predicted.qemuModel;
  const c: { -readonly [K in keyof RegContext]: RegContext[K] } = {
    key,
    reg,
    entry,
    layout: layoutOf(key.leaf, key.subleaf, reg),
    word: qemuFeatureWord(key.leaf, key.subleaf, reg),
    bits,
    bitList,
    predictedTd: layerReg(state.predicted.td.stored, key.leaf, key.subleaf, reg) ?? null,
    predictedCaps: layerReg(state.predicted.tdxCaps.layer, key.leaf, key.subleaf, reg) ?? null,
    notes: state.predicted.td.notes.get(ck) ?? [],
    qemuWhy: state.predicted.qemuSupported.sTdxWhy.get(ck) ?? [],
    guestNote: state.predicted.guest.leafNotes.get(`${key.leaf}:${key.subleaf ?? '-'}`),
    dynamic: entry ? dynamicMask(key.leaf, key.subleaf, reg) & entry.regs[REGS.indexOf(reg)]!.fixed0 : 0,
    guestControlled: state.predicted.guest.guestControlled.get(ck) ?? 0,
    kvmCleared: state.predicted.tdxCaps.kvmCleared.get(ck) ?? 0,
    userOn: qm.userOn.get(ck) ?? 0,
    userOff: qm.userOff.get(ck) ?? 0,
    pmuCleared: qm.pmuCleared.get(ck) ?? 0,
    capturedS: state.origin.setCpuid === 'captured',
    capturedG: state.origin.guest === 'captured',
    classes: registerClasses(entry, key.leaf, reg),
    gates: registerGates(state.module, entry, reg),
    module: state.module,
    disagreements: 0,
  };
  // Set after, not spread into a copy (a spread of ~30 fields per register is slow cold).
  c.disagreements = disagreementMask(c);
  return c;
}

function val(b: Bits | null, bit: number): 0 | 1 | null {
  if (!b || ((b.k >>> bit) & 1) === 0) return null;
  return ((b.v >>> bit) & 1) as 0 | 1;
}

function gateWords(gates: readonly Gate[]): string {
  const xfam = gates.filter((g) => g.startsWith('XFAM:')).map((g) => g.slice(5));
  const parts: string[] = [];
  if (xfam.length) parts.push(`XFAM[${xfam.join(',')}] required`);
  for (const g of gates) {
    if (g.startsWith('ATTR:')) parts.push(`follows ATTRIBUTES.${g.slice(5)}`);
    else if (g.startsWith('CPUID:')) parts.push(`depends on CPUID ${g.slice(6)}`);
    else if (g === 'CALCULATED') parts.push('calculated by the module');
  }
  return parts.length ? `, ${parts.join(', ')}` : '';
}

function requestWhy(p: Phrases, c: RegContext, bit: number, u: 0 | 1 | null, q: 0 | 1 | null): string {
  const m = (1 << bit) >>> 0;
  const name = c.word?.names.get(bit);
  if (c.userOn & m) return `QEMU -cpu ${p.cpuText} requests it${name ? ` (+${name})` : ''}`;
  if (c.userOff & m) return `QEMU -cpu ${p.cpuText} removes it${name ? ` (-${name})` : ''}`;
  if (c.pmuCleared & m) return 'QEMU removes it because pmu=off';
  if (!c.word) return u === null ? 'QEMU: value not predicted' : `QEMU's CPU model has ${u}`;
  if (u === 1) return `QEMU -cpu ${p.cpuModel} requests it`;
  if (!name) return `QEMU -cpu ${p.cpuModel} does not request it: QEMU has no name for this bit`;
  if (q === 0) return `QEMU -cpu ${p.cpuModel} does not request it: not supported`;
  return u === 0 ? `QEMU -cpu ${p.cpuModel} does not request it` : 'QEMU: request not predicted';
}

function qemuWhyOf(c: RegContext, m: number): string | undefined {
  for (const [mask, text] of c.qemuWhy) if (mask & m) return text;
  return undefined;
}

function chain(p: Phrases, c: RegContext, bit: number, cls: BitClass, gates: readonly Gate[], v: LayerValues<0 | 1>): { reasons: string[]; decidedBy: LayerId | 'module' } {
  const state = p.state;
  const r: string[] = [state.hasHost ? HOST[String(v.host)]! : 'host: not given'];
  const m = (1 << bit) >>> 0;
  let decidedBy: LayerId | 'module' = 'module';
  r.push(p.module(cls, gates));
  if (cls === 'KVM_PV') {
    if (v.setCpuid !== null) r.push(`KVM's view (KVM_SET_CPUID2) ${v.setCpuid}`);
    r.push(v.guest === null ? 'guest: not predicted' : `guest ${v.guest}`);
    return { reasons: r, decidedBy: 'setCpuid' };
  }
  let notes: string[] | undefined;
  for (const n of c.notes) if (n.mask & m) (notes ??= []).push(`module: ${n.text}`);
  if (cls === 'CONFIG_DIRECT' || cls === 'CONFIG_AND_NATIVE') {
    if (v.kvmSupported !== null && c.word) r.push(v.kvmSupported ? 'KVM supports it (KVM_GET_SUPPORTED_CPUID)' : 'KVM does not report it (KVM_GET_SUPPORTED_CPUID)');
    if (v.tdxCaps === 1) r.push('KVM_TDX_CAPABILITIES offers it');
    else if (v.tdxCaps === 0) {
      if (c.kvmCleared & m) r.push('KVM removes it from KVM_TDX_CAPABILITIES (HLE, RTM and WAITPKG are not allowed for a TD)');
      else if (cls === 'CONFIG_AND_NATIVE' && v.host === 0) r.push('KVM_TDX_CAPABILITIES does not offer it: the host lacks it');
      else r.push('KVM_TDX_CAPABILITIES does not offer it');
    }
    if (c.word && v.qemuSupported !== null) {
      const why = v.qemuSupported ? qemuWhyOf(c, m) : undefined;
      r.push(v.qemuSupported ? `QEMU supports it${why ? ` (${why})` : ''}` : 'QEMU does not support it for a TD');
    }
    r.push(requestWhy(p, c, bit, v.requested, v.qemuSupported));
    if (v.initVm !== null) r.push(`KVM_TDX_INIT_VM configures ${v.initVm}`);
    else r.push('not in the KVM_TDX_INIT_VM payload: configured as 0');
    // The earliest layer on the way to the TD that made it 0.
    if (v.td === 1) decidedBy = 'initVm';
    else if (cls === 'CONFIG_AND_NATIVE' && v.host === 0) decidedBy = 'host';
    else if (v.tdxCaps === 0) decidedBy = 'tdxCaps';
    else if (c.word && v.qemuSupported === 0) decidedBy = 'qemuSupported';
    else if (v.requested === 0) decidedBy = 'requested';
    else if (notes) decidedBy = 'module';
    else decidedBy = 'initVm';
  } else if (cls === 'NATIVE') {
    decidedBy = notes ? 'module' : 'host';
  }
  if (notes) r.push(...notes);
  if (cls === 'FAULTING' || cls === 'ABSENT') {
    r.push(c.guestNote ? `guest ${v.guest ?? '?'}: ${c.guestNote}` : `guest ${v.guest ?? '?'}`);
    return { reasons: r, decidedBy: 'module' };
  }
  r.push(p.tdSuffix && v.td !== null ? `${TD_WORDS[String(v.td)]}${p.tdSuffix}` : TD_WORDS[String(v.td)]!);
  if (v.guest !== null && (v.guest !== v.td || c.guestNote || c.dynamic & m)) {
    r.push(`guest ${v.guest}${c.dynamic & m ? ' (run-time value)' : c.guestNote ? `: ${c.guestNote}` : ''}`);
  }
  if (c.guestControlled & m) r.push('the guest may clear it at run time (#VE reduction, FEATURE_PARAVIRT_CTLS)');
  if (v.setCpuid !== null && v.td !== null && v.setCpuid !== v.td && !(c.dynamic & m)) r.push(`KVM's view (KVM_SET_CPUID2) ${v.setCpuid} differs from the TD`);
  return { reasons: r, decidedBy };
}

function valuesAt(c: RegContext, bit: number): LayerValues<0 | 1> {
  const b = c.bits;
  return {
    host: val(b.host, bit),
    kvmSupported: val(b.kvmSupported, bit),
    tdxCaps: val(b.tdxCaps, bit),
    qemuSupported: val(b.qemuSupported, bit),
    requested: val(b.requested, bit),
    initVm: val(b.initVm, bit),
    td: val(b.td, bit),
    setCpuid: val(b.setCpuid, bit),
    guest: val(b.guest, bit),
  };
}

/** Bits of the register whose layers disagree (see BitRow.disagreement). */
function disagreementMask(c: RegContext): number {
  const both = (a: Bits | null, b: Bits | null): number => (a && b ? ((a.v ^ b.v) & a.k & b.k) >>> 0 : 0);
  const b = c.bits;
  const visible = c.entry && !c.entry.faulting ? 0xffffffff : 0;
  let m = 0;
  // QEMU's own check: requested vs the TD, per feature word present in the TD.
  if (c.word) m |= both(b.requested, b.td) & visible;
  // Predicted S and G differ from T by design (GPAW field, #VE leaves); only a captured side counts.
  if (c.capturedS) m |= both(b.setCpuid, b.td);
  if (c.capturedG) m |= both(b.guest, b.td) & ~c.guestControlled;
  // A captured layer that differs from its prediction.
  m |= both(b.td, c.predictedTd);
  m |= both(b.tdxCaps, c.predictedCaps);
  return (m & ~c.dynamic) >>> 0;
}

function disagreement(c: RegContext, bit: number): boolean {
  return ((c.disagreements >>> bit) & 1) === 1;
}

const CLASS_INDEX: Readonly<Record<BitClass, number>> = Object.fromEntries(BIT_CLASSES.map((c, i) => [c, i])) as Record<BitClass, number>;

function tri(b: Bits | null, bit: number): number {
  if (!b || ((b.k >>> bit) & 1) === 0) return 2;
  return (b.v >>> bit) & 1;
}

/**
 * What equal bits of a register share: one object per distinct signature, so a consumer can
 * key its own per-row work (encoding reasons, say) on the object.
 */
export interface SharedBitFacts {
  readonly values: LayerValues<0 | 1>;
  readonly reasons: readonly string[];
  readonly decidedBy: LayerId | 'module';
  readonly disagreement: boolean;
}
type Shared = SharedBitFacts;

/**
 * What makes two bits of a register read the same: values, class, gates, the notes, QEMU words
 * and masks that apply. Bits with the same signature share their values and reasons (most bits
 * of a register do), which keeps a cold CLI run fast. Null when the reasons name the bit itself.
 */
function signature(c: RegContext, bit: number, gatesIndex: number): number | null {
  const m = (1 << bit) >>> 0;
  if ((c.userOn | c.userOff) & m) return null;
  const list = c.bitList;
  let v = 0;
  // tri() written out: this runs for every bit, mostly before the code is optimised.
  for (let i = 0; i < list.length; i++) {
    const b = list[i];
    v = v * 3 + (!b || ((b.k >>> bit) & 1) === 0 ? 2 : (b.v >>> bit) & 1);
  }
  let notes = 0;
  for (let i = 0; i < c.notes.length && i < 8; i++) if (c.notes[i]!.mask & m) notes |= 1 << i;
  let why = 0;
  for (let i = 0; i < c.qemuWhy.length && i < 15; i++) {
    if (c.qemuWhy[i]![0] & m) {
      why = i + 1;
      break;
    }
  }
  const flags =
    (c.pmuCleared & m ? 1 : 0) |
    (c.kvmCleared & m ? 2 : 0) |
    (c.dynamic & m ? 4 : 0) |
    (c.guestControlled & m ? 8 : 0) |
    (c.word?.names.has(bit) ? 16 : 0);
  const pred = tri(c.predictedTd, bit) * 3 + tri(c.predictedCaps, bit);
  return ((((v * 11 + CLASS_INDEX[c.classes[bit]!]) * 32 + gatesIndex) * 32 + flags) * 256 + notes) * 16 * 9 + why * 9 + pred;
}

function shared(p: Phrases, c: RegContext, bit: number): Shared {
  const cls = c.classes[bit]!;
  const values = valuesAt(c, bit);
  const { reasons, decidedBy } = chain(p, c, bit, cls, gatesAt(c, bit), values);
  return { values, reasons, decidedBy, disagreement: disagreement(c, bit) };
}

function makeRow(c: RegContext, bit: number, s: Shared): BitRow {
  const e = c.layout.byBit[bit];
  const row: { -readonly [K in keyof BitRow]: BitRow[K] } = {
    leaf: c.key.leaf,
    subleaf: c.key.subleaf,
    reg: c.reg,
    bit,
    name: e && e.kind === 'bit' ? e.displayName : null,
    class: c.classes[bit]!,
    gates: gatesAt(c, bit),
    values: s.values,
    decidedBy: s.decidedBy,
    disagreement: s.disagreement,
    reasons: s.reasons,
  };
  // Set after, not spread in: a spread of an (often empty) object per row is slow and allocates.
  if (c.guestControlled & (1 << bit)) row.guestControlled = true;
  return row;
}

function rowFor(p: Phrases, c: RegContext, bit: number): BitRow {
  return makeRow(c, bit, shared(p, c, bit));
}

/** The 32 bits of one register in order, sharing values and reasons between equal bits. */
function registerBits(p: Phrases, c: RegContext, emit: (bit: number, s: Shared) => void): void {
  const memo = new Map<number, Shared>();
  const gateLists: (readonly Gate[])[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const g = gatesAt(c, bit);
    let gi = gateLists.indexOf(g);
    if (gi < 0) gi = gateLists.push(g) - 1;
    const sig = signature(c, bit, gi);
    let s = sig === null ? undefined : memo.get(sig);
    if (!s) {
      s = shared(p, c, bit);
      if (sig !== null) memo.set(sig, s);
    }
    emit(bit, s);
  }
}

/** Every bit of every leaf in any layer, sorted by leaf, sub-leaf, register, bit. */
export function buildBitRows(state: EngineState): BitRow[] {
  const rows: BitRow[] = [];
  visitRegisters(state, (p, c) => registerBits(p, c, (bit, s) => rows.push(makeRow(c, bit, s))));
  return rows;
}

/** Calls `each` for every register of every leaf in any layer, in leaf, sub-leaf, register order. */
function visitRegisters(state: EngineState, each: (p: Phrases, c: RegContext) => void): void {
  const p = new Phrases(state);
  for (const key of allLeafKeys(state)) {
    for (const reg of REGS) each(p, regContext(state, key, reg));
  }
}

/**
 * Receives the rows without BitRow objects being made for them: the interface's row table
 * is written straight from these (~14 000 rows per host).
 */
export interface RowVisitor {
  /** One bit. `facts` is the same object for every bit of the register that reads the same. */
  bit(key: LeafKey, reg: Reg, bit: number, name: string | null, cls: BitClass, gates: readonly Gate[], facts: SharedBitFacts, guestControlled: boolean): void;
  field(row: FieldRow): void;
}

/** Fields by low bit, a wider one first (display order). */
function fieldsInOrder(fields: readonly BitEntry[]): readonly BitEntry[] {
  for (let i = 1; i < fields.length; i++) {
    const a = fields[i - 1]!.bits;
    const b = fields[i]!.bits;
    if (a[0] > b[0] || (a[0] === b[0] && a[1] < b[1])) return [...fields].sort((x, y) => x.bits[0] - y.bits[0] || y.bits[1] - x.bits[1]);
  }
  return fields;
}

/**
 * Every row in display order: leaf, sub-leaf, register, then by low bit, a field before the
 * bit it starts at (a wider field first). The same rows as buildFieldRows and buildBitRows.
 */
export function visitRows(state: EngineState, visitor: RowVisitor): void {
  visitRegisters(state, (p, c) => {
    const fields = fieldsInOrder(c.layout.fields);
    let next = 0;
    registerBits(p, c, (bit, s) => {
      while (next < fields.length && fields[next]!.bits[0] <= bit) visitor.field(fieldRow(state, c, fields[next++]!));
      const e = c.layout.byBit[bit];
      visitor.bit(c.key, c.reg, bit, e && e.kind === 'bit' ? e.displayName : null, c.classes[bit]!, gatesAt(c, bit), s, (c.guestControlled & (1 << bit)) !== 0);
    });
  });
}

/** How many rows visitRows visits. */
export function rowCount(state: EngineState): number {
  let n = 0;
  for (const key of allLeafKeys(state)) for (const reg of REGS) n += 32 + layoutOf(key.leaf, key.subleaf, reg).fields.length;
  return n;
}

/** Rows of the bits a register mask selects, without building the other rows. */
function rowsByMask(state: EngineState, select: (c: RegContext) => number): BitRow[] {
  const p = new Phrases(state);
  const out: BitRow[] = [];
  for (const key of allLeafKeys(state)) {
    for (const reg of REGS) {
      const c = regContext(state, key, reg);
      let m = select(c) >>> 0;
      while (m !== 0) {
        const bit = 31 - Math.clz32(m & -m);
        m = (m & (m - 1)) >>> 0;
        out.push(rowFor(p, c, bit));
      }
    }
  }
  return out;
}

function namedMask(c: RegContext): number {
  let m = 0;
  for (const f of c.layout.features) m |= 1 << f.bits[0];
  return m >>> 0;
}

/** Named bits whose TD value differs from the host's (what a text report lists). */
export function hostToTdChangeRows(state: EngineState): BitRow[] {
  return rowsByMask(state, (c) => {
    const h = c.bits.host;
    const t = c.bits.td;
    return h && t ? (h.v ^ t.v) & h.k & t.k & namedMask(c) : 0;
  });
}

/** Bits whose layers disagree (see BitRow.disagreement). */
export function disagreementRows(state: EngineState): BitRow[] {
  return rowsByMask(state, (c) => c.disagreements);
}

/** One bit's row (also for a bit no layer has: then everything is null). */
export function bitRow(state: EngineState, a: BitAddress): BitRow {
  return rowFor(new Phrases(state), regContext(state, { leaf: a.leaf, subleaf: a.subleaf }, a.reg), a.bit);
}

function fieldValues(c: RegContext, bits: readonly [number, number]): LayerValues<number> {
  const out = {} as Record<LayerId, number | null>;
  const lo = bits[0];
  const hi = bits[1];
  const width = hi - lo + 1;
  const m = width >= 32 ? 0xffffffff : (((1 << width) - 1) << lo) >>> 0;
  for (const id of LAYER_IDS) {
    const b = c.bits[id];
    out[id] = b && (b.k & m) >>> 0 === m ? extractField(b.v, bits) : null;
  }
  return out;
}

/** Named multi-bit fields of every register in any layer. */
export function buildFieldRows(state: EngineState): FieldRow[] {
  const out: FieldRow[] = [];
  for (const key of allLeafKeys(state)) {
    for (const reg of REGS) {
      const fields = layoutOf(key.leaf, key.subleaf, reg).fields;
      if (fields.length === 0) continue;
      const c = regContext(state, key, reg);
      for (const f of fields) out.push(fieldRow(state, c, f));
    }
  }
  return out;
}

/** One named multi-bit field's row. */
function fieldRow(state: EngineState, c: RegContext, f: BitEntry): FieldRow {
  const key = c.key;
  const reg = c.reg;
  const bits = f.bits;
  const classes = new Set<BitClass>();
  const gates = new Set<Gate>();
  for (let b = bits[0]; b <= bits[1]; b++) {
    classes.add(c.classes[b]!);
    for (const g of gatesAt(c, b)) gates.add(g);
  }
  const cls = BIT_CLASSES.find((x) => classes.has(x)) ?? 'NATIVE';
  const values = fieldValues(c, bits);
  const notes = c.notes.filter((n) => {
    for (let b = bits[0]; b <= bits[1]; b++) if (n.mask & (1 << b)) return true;
    return false;
  });
  const hex = (n: number | null): string => (n === null ? 'unknown' : `0x${n.toString(16)}`);
  const reasons = [
    state.hasHost ? `host ${hex(values.host)}` : 'host: not given',
    `module ${state.module.version}: ${[...classes].map((x) => CLASS_WORDS[x]).join('; ')}`,
    ...notes.map((n) => `module: ${n.text}`),
    `TD ${hex(values.td)}`,
  ];
  if (values.guest !== null && values.guest !== values.td) reasons.push(`guest ${hex(values.guest)}`);
  return {
    leaf: key.leaf,
    subleaf: key.subleaf,
    reg,
    bits,
    name: f.displayName ?? formatBit({ leaf: key.leaf, subleaf: key.subleaf, reg, bit: bits[0] }),
    class: cls,
    gates: [...gates],
    values,
    decidedBy: notes.length || cls !== 'NATIVE' ? 'module' : 'host',
    disagreement: values.td !== null && values.guest !== null && values.td !== values.guest && (c.dynamic & (1 << bits[0])) === 0,
    reasons,
  };
}
