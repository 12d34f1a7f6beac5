// QEMU's own CPUID checks, predicted bit by bit (tdx-cpuid-model.md 4), for the rules
// requested-unavailable, forced-on, host-lacks and qemu-warnings-check:
//   x86_cpu_filter_features: requested (U) & ~supported (Q)  -> "host doesn't support requested feature"
//   tdx_check_features, after KVM_TDX_INIT_VM, per QEMU feature word present in T
//   (0x80000001.EDX SYSCALL treated as 1, it is 1 only in 64-bit mode):
//     requested (S, the model after filtering) & ~T        -> "TDX doesn't support requested feature"
//     T & ~requested                                        -> "TDX forcibly sets the feature"
// Each predicted bit carries the reason in words (why T lacks it, why QEMU does not ask).

import type { BitAddress, Reg } from '../../model/address';
import { bitKey, bitsOf, regIndex } from '../../model/address';
import type { QemuFeatureWord } from '../../knowledge/qemu/qemu-knowledge';
import { qemuFeatureWords } from '../../knowledge/qemu/qemu-knowledge';
import { CLASS_WORDS, bitClass, bitGates } from '../classes';
import type { Layer } from '../layer';
import { layerReg } from '../layer';
import type { EngineState } from '../pipeline';
import { capsKey } from '../predict/tdx-caps';
import { hex } from './words';

export type QemuWarningKind = 'host-unsupported' | 'tdx-unsupported' | 'forced-on';

/** A bit address only (findings carry plain addresses). */
export function address(b: BitAddress): BitAddress {
  return { leaf: b.leaf, subleaf: b.subleaf, reg: b.reg, bit: b.bit };
}

export interface PredictedQemuWarning extends BitAddress {
  readonly kind: QemuWarningKind;
  /** QEMU's property name, when it has one. */
  readonly qemuName: string | null;
  /** Why, in words. */
  readonly why: string;
}

export interface QemuCheckPrediction {
  readonly warnings: readonly PredictedQemuWarning[];
  /** Bit keys (`bitKey`) per kind, for comparisons. */
  readonly byKind: Readonly<Record<QemuWarningKind, ReadonlyMap<string, PredictedQemuWarning>>>;
  /** Registers compared by tdx_check_features (feature words present in T). */
  readonly wordsInTd: number;
}

const SYSCALL = 1 << 11;

/** Why the TD lacks a bit QEMU asks for. */
function whyTdLacks(state: EngineState, w: QemuFeatureWord, bit: number): string {
  const entry = state.module.get(w.leaf, w.subleaf);
  const cls = bitClass(entry, w.leaf, w.reg, bit);
  const m = (1 << bit) >>> 0;
  const notes = state.predicted.td.notes.get(capsKey(w.leaf, w.subleaf, w.reg)) ?? [];
  const note = notes.find((n) => n.mask & m);
  if (note) return `module ${state.module.version}: ${note.text}`;
  const gates = entry ? bitGates(state.module, entry, w.reg, bit) : [];
  const xfam = gates.filter((g) => g.startsWith('XFAM:'));
  if (xfam.length) return `module ${state.module.version}: needs ${xfam.map((g) => `XFAM[${g.slice(5)}]`).join(', ')}, which the TD's XFAM ${hex(state.predicted.initVm.xfam)} lacks`;
  if (cls === 'CONFIG_AND_NATIVE' && state.host.bit(w.leaf, w.subleaf, w.reg, bit) === 0) return `module ${state.module.version}: configurable only together with the host (allow_direct), and the host lacks it`;
  if (cls === 'CONFIG_AND_NATIVE' || cls === 'CONFIG_DIRECT') {
    const i = layerReg(state.layers.initVm!, w.leaf, w.subleaf, w.reg);
    if (i && ((i.k >>> bit) & 1) && !((i.v >>> bit) & 1)) return `module ${state.module.version}: ${CLASS_WORDS[cls]}; the KVM_TDX_INIT_VM configuration has it 0 (KVM_TDX_CAPABILITIES does not offer it)`;
  }
  if (cls === 'NATIVE' || cls === 'NATIVE_VERIFIED_0') return `module ${state.module.version}: ${CLASS_WORDS[cls]} (the host has 0)`;
  return `module ${state.module.version}: ${CLASS_WORDS[cls]}`;
}

/** Why QEMU's model lacks a bit the TD has. */
function whyNotRequested(state: EngineState, w: QemuFeatureWord, bit: number, name: string | null): string {
  const qm = state.predicted.qemuModel;
  const key = capsKey(w.leaf, w.subleaf, w.reg);
  const m = (1 << bit) >>> 0;
  const cpu = state.context.cpu.text;
  const entry = state.module.get(w.leaf, w.subleaf);
  const cls = bitClass(entry, w.leaf, w.reg, bit);
  const tdWhy = cls === 'FIXED1' || cls === 'NATIVE_VERIFIED_1' || cls === 'NATIVE' ? `module ${state.module.version}: ${CLASS_WORDS[cls]}` : `the TD has it (${CLASS_WORDS[cls]})`;
  if ((qm.userOff.get(key) ?? 0) & m) return `-cpu ${cpu} removes it${name ? ` (-${name})` : ''}, but ${tdWhy}`;
  if ((qm.pmuCleared.get(key) ?? 0) & m) return `QEMU removes it because pmu=off, but ${tdWhy}`;
  const q = layerReg(state.layers.qemuSupported!, w.leaf, w.subleaf, w.reg);
  if (q && ((q.k >>> bit) & 1) && !((q.v >>> bit) & 1)) return `QEMU does not count it as supported for a TD (not in KVM_GET_SUPPORTED_CPUID or not in QEMU's TDX-supported set), but ${tdWhy}`;
  if (!name) return `QEMU has no name for this bit, so -cpu host never requests it, but ${tdWhy}`;
  if ((w.unmigratable >>> bit) & 1 || (w.noAutoenable >>> bit) & 1) return `-cpu host does not enable it by default (QEMU marks it unmigratable or not auto-enabled), but ${tdWhy}`;
  return `QEMU's model does not request it, but ${tdWhy}`;
}

/** A register of a layer as [value, known] (0, 0 when the leaf is absent or nothing is known). */
function reg(layer: Layer | null, leaf: number, subleaf: number | null, i: number): [number, number] {
  const r = layer?.row(leaf, subleaf);
  return r ? [r[i]!, r[4 + i]!] : [0, 0];
}

function hostUnsupportedWhy(state: EngineState, w: QemuFeatureWord, bit: number): string {
  const hostHas = state.host.bit(w.leaf, w.subleaf, w.reg, bit);
  return hostHas === 0
    ? 'requested, but the host CPU lacks it'
    : hostHas === 1
      ? 'requested, but QEMU does not count it as supported for a TD (KVM does not report it, or KVM_TDX_CAPABILITIES does not offer it)'
      : 'requested, but QEMU does not count it as supported for a TD';
}

function compute(state: EngineState): QemuCheckPrediction {
  const warnings: PredictedQemuWarning[] = [];
  const { requested: u, qemuSupported: q, setCpuid: s, td: t } = state.layers;
  let wordsInTd = 0;
  const push = (w: QemuFeatureWord, kind: QemuWarningKind, mask: number): void => {
    for (const bit of bitsOf(mask >>> 0)) {
      const name = w.names.get(bit) ?? null;
      const why = kind === 'host-unsupported' ? hostUnsupportedWhy(state, w, bit) : kind === 'tdx-unsupported' ? whyTdLacks(state, w, bit) : whyNotRequested(state, w, bit, name);
      warnings.push({ leaf: w.leaf, subleaf: w.subleaf, reg: w.reg, bit, kind, qemuName: name, why });
    }
  };
  for (const w of qemuFeatureWords()) {
    const i = regIndex(w.reg);
    // x86_cpu_filter_features: requested & ~supported; the filtered model (S) lacks them.
    // (Bits QEMU computes at CPUID time, such as HTT, are in U and S alike: not filtered.)
    const [uv, uk] = reg(u, w.leaf, w.subleaf, i);
    const [qv, qk] = reg(q, w.leaf, w.subleaf, i);
    const [sv, sk] = reg(s, w.leaf, w.subleaf, i);
    const filtered = uv & uk & qk & ~qv & ~(sv & sk);
    if (filtered) push(w, 'host-unsupported', filtered);
    // tdx_check_features: only words present in T.
    const [tv0, tk0] = reg(t, w.leaf, w.subleaf, i);
    if (tk0 === 0 || sk === 0) continue;
    wordsInTd++;
    const syscall = w.leaf === 0x80000001 && w.reg === 'edx' ? SYSCALL : 0;
    const tv = tv0 | syscall;
    const both = (tk0 | syscall) & sk;
    const unavailable = sv & ~tv & both;
    if (unavailable) push(w, 'tdx-unsupported', unavailable);
    const forced = tv & ~sv & both;
    if (forced) push(w, 'forced-on', forced);
  }
  const byKind = { 'host-unsupported': new Map(), 'tdx-unsupported': new Map(), 'forced-on': new Map() } as Record<QemuWarningKind, Map<string, PredictedQemuWarning>>;
  for (const x of warnings) byKind[x.kind].set(bitKey(x), x);
  return { warnings, byKind, wordsInTd };
}

const CACHE = new WeakMap<EngineState, QemuCheckPrediction>();

export function qemuCheckPrediction(state: EngineState): QemuCheckPrediction {
  let p = CACHE.get(state);
  if (!p) {
    p = compute(state);
    CACHE.set(state, p);
  }
  return p;
}

/** QEMU's printed description of a feature word: `CPUID[eax=07h,ecx=00h].EBX` (QEMU 10.1+). */
export function qemuWordText(leaf: number, subleaf: number | null, reg: Reg): string {
  const l = `${leaf.toString(16).padStart(2, '0')}h`;
  return `CPUID[eax=${l}${subleaf === null ? '' : `,ecx=${subleaf.toString(16).padStart(2, '0')}h`}].${reg.toUpperCase()}`;
}
