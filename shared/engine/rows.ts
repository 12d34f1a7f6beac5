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
import type { RegLayout } from '../knowledge/bits';
import { layoutOf } from '../knowledge/bits';
import { qemuFeatureWord } from '../knowledge/qemu/qemu-knowledge';
import type { QemuFeatureWord } from '../knowledge/qemu/qemu-knowledge';
import type { ModuleEntry } from '../knowledge/tdx-module/module-table';
import { CLASS_WORDS, bitClass, bitGates, dynamicMask } from './classes';
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
const NO_GATES: readonly Gate[] = Object.freeze([]);

function regContext(state: EngineState, key: LeafKey, reg: Reg): RegContext {
  const entry = state.module.get(key.leaf, key.subleaf);
  const bits = {} as Record<LayerId, Bits | null>;
  for (const id of LAYER_IDS) {
    const l = state.layers[id];
    bits[id] = l ? (layerReg(l, key.leaf, key.subleaf, reg) ?? null) : null;
  }
  const ck = capsKey(key.leaf, key.subleaf, reg);
  const qm = state.predicted.qemuModel;
  return {
    key,
    reg,
    entry,
    layout: layoutOf(key.leaf, key.subleaf, reg),
    word: qemuFeatureWord(key.leaf, key.subleaf, reg),
    bits,
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
  };
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
    if (v.td === 1) decidedBy = 'initVm';
    else if (notes) decidedBy = 'module';
    else if (cls === 'CONFIG_AND_NATIVE' && v.host === 0) decidedBy = 'host';
    else if (v.tdxCaps === 0) decidedBy = 'tdxCaps';
    else if (c.word && v.qemuSupported === 0) decidedBy = 'qemuSupported';
    else if (v.requested === 0) decidedBy = 'requested';
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

function disagreement(c: RegContext, bit: number, cls: BitClass, v: LayerValues<0 | 1>): boolean {
  const m = (1 << bit) >>> 0;
  if (c.dynamic & m) return false;
  if (c.word && v.requested !== null && v.td !== null && v.requested !== v.td && cls !== 'FAULTING' && cls !== 'ABSENT') return true;
  if (v.setCpuid !== null && v.td !== null && v.setCpuid !== v.td) return true;
  if (v.guest !== null && v.td !== null && v.guest !== v.td && !(c.guestControlled & m)) return true;
  const pt = val(c.predictedTd, bit);
  if (v.td !== null && pt !== null && v.td !== pt) return true;
  const pc = val(c.predictedCaps, bit);
  if (v.tdxCaps !== null && pc !== null && v.tdxCaps !== pc) return true;
  return false;
}

function rowFor(p: Phrases, c: RegContext, bit: number): BitRow {
  const { leaf, subleaf } = c.key;
  const cls = bitClass(c.entry, leaf, c.reg, bit);
  const g = c.entry ? bitGates(p.state.module, c.entry, c.reg, bit) : NO_GATES;
  const gates = g.length ? g : NO_GATES;
  const values = valuesAt(c, bit);
  const { reasons, decidedBy } = chain(p, c, bit, cls, gates, values);
  const e = c.layout.byBit[bit];
  const row: BitRow = {
    leaf,
    subleaf,
    reg: c.reg,
    bit,
    name: e && e.kind === 'bit' ? e.displayName : null,
    class: cls,
    gates,
    values,
    decidedBy,
    disagreement: disagreement(c, bit, cls, values),
    reasons,
    ...(c.guestControlled & (1 << bit) ? { guestControlled: true } : {}),
  };
  return row;
}

/** Every bit of every leaf in any layer, sorted by leaf, sub-leaf, register, bit. */
export function buildBitRows(state: EngineState): BitRow[] {
  const p = new Phrases(state);
  const rows: BitRow[] = [];
  for (const key of allLeafKeys(state)) {
    for (const reg of REGS) {
      const c = regContext(state, key, reg);
      for (let bit = 0; bit < 32; bit++) rows.push(rowFor(p, c, bit));
    }
  }
  return rows;
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
      for (const f of fields) {
        const bits = f.bits;
        const classes = new Set<BitClass>();
        const gates = new Set<Gate>();
        for (let b = bits[0]; b <= bits[1]; b++) {
          classes.add(bitClass(c.entry, key.leaf, reg, b));
          if (c.entry) for (const g of bitGates(state.module, c.entry, reg, b)) gates.add(g);
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
        out.push({
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
        });
      }
    }
  }
  return out;
}
