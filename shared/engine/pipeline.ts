// The prediction pipeline: H -> K -> C -> Q -> U/S -> I -> T -> G (tdx-cpuid-model.md 1),
// each layer predicted from the effective layers before it; a captured layer replaces its
// prediction downstream (the prediction is kept for comparison). The result, EngineState, is
// what the reconciliation rows, the rules and explain read.

import type { LeafKey } from '../model/address';
import type { CpuidDump } from '../model/dump';
import type { LayerId } from '../model/layers';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import { Assumptions } from './assumptions';
import type { CapturedLayers } from './captured';
import { capturedLayers } from './captured';
import type { ResolvedContext } from './context';
import { resolveContext } from './context';
import type { HostView } from './host';
import { hostView } from './host';
import type { Bits, Layer } from './layer';
import { layerReg } from './layer';
import { verifyFailures } from './module-init';
import type { GuestPrediction } from './predict/guest';
import { predictGuest } from './predict/guest';
import type { InitVmPrediction } from './predict/init-vm';
import { predictInitVm } from './predict/init-vm';
import type { KvmSupportedPrediction } from './predict/kvm-supported';
import { predictKvmSupported } from './predict/kvm-supported';
import type { QemuModel } from './predict/qemu-model';
import { buildQemuModel } from './predict/qemu-model';
import type { QemuSupportedPrediction } from './predict/qemu-supported';
import { predictQemuSupported } from './predict/qemu-supported';
import type { CapsEntry, TdxCapsPrediction } from './predict/tdx-caps';
import { predictTdxCaps } from './predict/tdx-caps';
import type { TdPrediction } from './predict/td';
import { TDX_ERROR_CPUID_CONFIG, predictTd } from './predict/td';
import type { ContextOptions, EngineInputs, LayerOrigin, PipelineStatus, RegisterCheckFailure } from './types';

export interface EffectiveCaps {
  readonly supportedAttrs: bigint;
  readonly supportedXfam: bigint;
  readonly entries: readonly CapsEntry[];
  readonly layer: Layer;
}

export interface EngineState {
  readonly inputs: EngineInputs;
  readonly options: ContextOptions;
  readonly context: ResolvedContext;
  readonly assumptions: readonly string[];
  readonly module: ModuleTable;
  /** The platform under analysis (first host), or an empty view when no host was given. */
  readonly host: HostView;
  readonly hasHost: boolean;
  /** Every host dump given, as views. */
  readonly hosts: readonly HostView[];
  readonly captured: CapturedLayers;
  readonly predicted: {
    readonly kvmSupported: KvmSupportedPrediction;
    readonly tdxCaps: TdxCapsPrediction;
    readonly qemuSupported: QemuSupportedPrediction;
    readonly qemuModel: QemuModel;
    readonly initVm: InitVmPrediction;
    readonly td: TdPrediction;
    readonly guest: GuestPrediction;
  };
  readonly caps: EffectiveCaps;
  /** Effective value of each layer (captured, else predicted; null when neither). */
  readonly layers: Readonly<Record<LayerId, Layer | null>>;
  readonly origin: Readonly<Record<LayerId, LayerOrigin>>;
  readonly status: PipelineStatus;
  readonly moduleInitFailures: readonly RegisterCheckFailure[];
}

const EMPTY_DUMP: CpuidDump = {
  kind: 'cpuid',
  format: 'none',
  name: '(no host)',
  valueKind: 'values',
  cpus: [],
  meta: { vendor: null, brand: null, family: null, model: null, stepping: null, signature: null, cpuCount: 0, hypervisor: null, tdxGuest: false, packages: null },
  probeEchoes: [],
  annotations: {},
  warnings: [],
};

function capsFromCaptured(captured: CapturedLayers['tdxCaps'], module: ModuleTable): EffectiveCaps | null {
  if (!captured) return null;
  const entries: CapsEntry[] = [];
  for (const e of module.configSlots) {
    const regs = (['eax', 'ebx', 'ecx', 'edx'] as const).map((r) => layerReg(captured.layer, e.leaf, e.subleaf, r)) as (Bits | undefined)[];
    if (regs.some((r) => r === undefined)) continue;
    entries.push({ entry: e, regs: regs as [Bits, Bits, Bits, Bits] });
  }
  return { supportedAttrs: captured.caps.supportedAttrs, supportedXfam: captured.caps.supportedXfam, entries, layer: captured.layer };
}

const TDX_MIN_TSC_KHZ = 100 * 1000;
const TDX_MAX_TSC_KHZ = 10 * 1000 * 1000;

export function runPipeline(inputs: EngineInputs, options: ContextOptions): EngineState {
  const assumptions = new Assumptions();
  const hosts = inputs.hosts.map(hostView);
  const hasHost = hosts.length > 0;
  const host = hosts[0] ?? hostView(EMPTY_DUMP);
  if (!hasHost) assumptions.add('no host CPUID given: only bits the module fixes can be predicted');
  if (host.fmsNote) assumptions.add(`platform FMS: ${host.fmsNote}`);
  const context = resolveContext(inputs, options, hasHost ? host : null, assumptions);
  const module = context.module;
  const kvm = context.kernel.kvm;
  const captured = capturedLayers(inputs.kvm, inputs.guest, module);

  const kPred = predictKvmSupported(host, kvm, assumptions);
  const kEff = captured.kvmSupported ?? kPred.layer;
  const cPred = predictTdxCaps(host, module, kvm, kPred.supportedXcr0, kPred.supportedXss);
  const caps: EffectiveCaps = capsFromCaptured(captured.tdxCaps, module) ?? {
    supportedAttrs: cPred.supportedAttrs,
    supportedXfam: cPred.supportedXfam,
    entries: cPred.entries,
    layer: cPred.layer,
  };
  const tables = context.qemu.tables;
  const qPred = predictQemuSupported(kEff, caps, tables, assumptions);
  const qemuModel = buildQemuModel({
    host,
    kvmSupported: kEff,
    qemuSupported: qPred.layer,
    tables,
    cpu: context.cpu,
    pmu: context.pmu,
    attributes: context.attributes,
    xfam: context.xfam,
    septVeDisable: context.septVeDisable,
    assumptions,
  });
  const attributes = captured.initVm?.attributes ?? qemuModel.attributes;
  const xfam = captured.initVm?.xfam ?? qemuModel.xfam;
  const ept5 = hasHost ? host.bit(7, 0, 'ecx', 16) === 1 : null;
  const iPred = predictInitVm({
    source: captured.initVm?.layer ?? qemuModel.setCpuid,
    captured: captured.initVm !== null,
    caps: caps.entries,
    supportedAttrs: caps.supportedAttrs,
    supportedXfam: caps.supportedXfam,
    attributes,
    xfam,
    abi: kvm.tdx.abi,
    ept5,
  });
  const tPred = predictTd({ host, module, config: iPred.tdParams, attributes, xfam, tscKhz: context.tscKhz });
  const gPred = predictGuest({
    host,
    module,
    tdStored: captured.td ?? tPred.stored,
    faulting: tPred.faulting,
    setCpuid: captured.setCpuid ?? qemuModel.setCpuid,
    xfam,
    reduceVe: context.reduceVe,
    assumptions,
  });

  // Status of each stage.
  const moduleInitFailures = hasHost ? verifyFailures(host, module) : [];
  const qemuRejects: string[] = [];
  if (!captured.initVm) {
    if (qemuModel.namedModel) qemuRejects.push(`named CPU model "${context.cpu.model}": QEMU accepts only -cpu host for a TD`);
    if (attributes & ~caps.supportedAttrs) qemuRejects.push(`attributes 0x${attributes.toString(16)} include bits outside supported_attrs 0x${caps.supportedAttrs.toString(16)}`);
    if (attributes & ~tables.supportedTdAttrs) qemuRejects.push(`attributes 0x${attributes.toString(16)} include bits QEMU does not allow (QEMU supports 0x${tables.supportedTdAttrs.toString(16)})`);
    if (xfam & ~caps.supportedXfam) qemuRejects.push(`XFAM 0x${xfam.toString(16)} includes components outside supported_xfam 0x${caps.supportedXfam.toString(16)}`);
    // QEMU checks the TSC frequency only when one is given; otherwise KVM uses the host's.
    const tsc = context.tscFrom.startsWith('given') || context.tscFrom.startsWith('from -cpu') ? context.tscKhz : null;
    if (tsc !== null && (tsc < TDX_MIN_TSC_KHZ || tsc > TDX_MAX_TSC_KHZ)) qemuRejects.push(`TSC frequency ${tsc} kHz is outside 100 MHz .. 10 GHz`);
    if (tsc !== null && tsc % 25000 !== 0) qemuRejects.push(`TSC frequency ${tsc} kHz is not a multiple of 25 MHz`);
  }
  const kvmRejects = iPred.kvmRejects.map((r) => r.message);
  const tdInitFailures = tPred.configFailures.map((f) => ({ leaf: f.leaf, subleaf: f.subleaf, reg: f.reg, bits: f.bits, expected: 0, found: f.bits, message: f.message }));
  const moduleInitializes = hasHost ? moduleInitFailures.length === 0 : null;
  const status: PipelineStatus = {
    moduleInitializes,
    moduleInitFailures,
    qemuRejects,
    kvmRejects,
    tdInitError: tdInitFailures.length > 0 ? `0x${TDX_ERROR_CPUID_CONFIG.toString(16).toUpperCase()}` : null,
    tdInitFailures,
    tdCreated: moduleInitializes !== false && qemuRejects.length === 0 && kvmRejects.length === 0 && tdInitFailures.length === 0,
  };

  const layers: Record<LayerId, Layer | null> = {
    host: hasHost ? host.layer : null,
    kvmSupported: kEff,
    tdxCaps: caps.layer,
    qemuSupported: qPred.layer,
    requested: qemuModel.requested,
    initVm: captured.initVm?.layer ?? iPred.layer,
    td: captured.td ?? tPred.layer,
    setCpuid: captured.setCpuid ?? qemuModel.setCpuid,
    guest: captured.guest ?? gPred.layer,
  };
  const origin: Record<LayerId, LayerOrigin> = {
    host: hasHost ? 'captured' : 'absent',
    kvmSupported: captured.kvmSupported ? 'captured' : 'predicted',
    tdxCaps: captured.tdxCaps ? 'captured' : 'predicted',
    qemuSupported: 'predicted',
    requested: 'predicted',
    initVm: captured.initVm ? 'captured' : 'predicted',
    td: captured.td ? 'captured' : 'predicted',
    setCpuid: captured.setCpuid ? 'captured' : 'predicted',
    guest: captured.guest ? 'captured' : 'predicted',
  };
  return {
    inputs,
    options,
    context,
    assumptions: assumptions.toArray(),
    module,
    host,
    hasHost,
    hosts,
    captured,
    predicted: { kvmSupported: kPred, tdxCaps: cPred, qemuSupported: qPred, qemuModel, initVm: iPred, td: tPred, guest: gPred },
    caps,
    layers,
    origin,
    status,
    moduleInitFailures,
  };
}

/** Leaf keys present in any layer, ascending. */
export function allLeafKeys(state: EngineState): LeafKey[] {
  const seen = new Map<string, LeafKey>();
  const add = (t: { readonly keys: readonly LeafKey[] }): void => {
    for (const k of t.keys) seen.set(`${k.leaf}:${k.subleaf ?? '-'}`, k);
  };
  for (const l of Object.values(state.layers)) if (l) add(l);
  for (const e of state.module.entries) seen.set(`${e.leaf}:${e.subleaf ?? '-'}`, { leaf: e.leaf, subleaf: e.subleaf });
  return [...seen.values()].sort((a, b) => a.leaf - b.leaf || (a.subleaf ?? -1) - (b.subleaf ?? -1));
}
