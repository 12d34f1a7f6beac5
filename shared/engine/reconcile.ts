// The engine's public entry points: reconcile a set of inputs (predict every layer, verify
// captured ones, per-bit rows with reasons, findings of every rule), explain one bit, and list
// the known module versions. Used by the CLI, the UI (in a Web Worker) and the reports.

import type { BitAddress, LeafKey } from '../model/address';
import { formatBit, parseBitAddress } from '../model/address';
import type { CpuidEntry } from '../model/cpuid-table';
import { resolveBit } from '../knowledge/bits';
import type { Layer } from './layer';
import type { EngineState } from './pipeline';
import { runPipeline } from './pipeline';
import type { CapsEntry } from './predict/tdx-caps';
import type { InitVmEntry } from './predict/init-vm';
import { bitRow, buildBitRows, buildFieldRows } from './rows';
import { ruleContext, runRules } from './rules/run';
import type { BitRow, ConfigEntry, ContextOptions, EngineInputs, FieldRow, Finding, Reconciliation } from './types';

export interface Analysis {
  readonly state: EngineState;
  readonly reconciliation: Reconciliation;
}

function configEntries(list: readonly (CapsEntry | InitVmEntry)[]): ConfigEntry[] {
  // KVM reports a leaf without sub-leaves with index 0 (cli-contract: `subleaf` 0 there).
  return list.map((c) => ({ leaf: c.entry.leaf, subleaf: c.entry.subleaf ?? 0, eax: c.regs[0].v, ebx: c.regs[1].v, ecx: c.regs[2].v, edx: c.regs[3].v }));
}

function tableEntries(layer: Layer): CpuidEntry[] {
  return layer.toEntries();
}

function summarize(findings: readonly Finding[]): Reconciliation['summary'] {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** Runs the pipeline and the rules; the state is kept for explain and the UI. */
export function analyze(inputs: EngineInputs, options: ContextOptions = {}): Analysis {
  const state = runPipeline(inputs, options);
  let rows: BitRow[] | undefined;
  const getRows = (): BitRow[] => (rows ??= buildBitRows(state));
  const findings = runRules(ruleContext(state, getRows));
  const ctx = state.context;
  const p = state.predicted;
  const faultingLeaves: LeafKey[] = p.td.faulting.map((k) => ({ leaf: k.leaf, subleaf: k.subleaf }));
  const base = {
    inputs: inputs.sources,
    context: {
      module: ctx.moduleChoice,
      kernel: ctx.kernelRequested,
      kernelTable: ctx.kernel.kvm.version,
      qemu: ctx.qemuRequested,
      qemuTable: ctx.qemu.tables.version.version,
      cpu: ctx.cpu.text,
      pmu: p.qemuModel.pmu,
      attributes: p.initVm.attributes,
      xfam: p.initVm.xfam,
      tscKhz: ctx.tscKhz,
      assumptions: state.assumptions,
    },
    predicted: {
      tdxCaps: { supportedAttrs: p.tdxCaps.supportedAttrs, supportedXfam: p.tdxCaps.supportedXfam, cpuid: configEntries(p.tdxCaps.entries) },
      initVm: { attributes: p.initVm.attributes, xfam: p.initVm.xfam, cpuid: configEntries(p.initVm.entries) },
      td: tableEntries(p.td.layer),
      faultingLeaves,
      guestVeLeaves: p.guest.veLeaves,
      status: state.status,
    },
    layerOrigin: state.origin,
  };
  // The per-bit and per-field rows are built on first access (they are most of the work and
  // the rules rarely need them); enumerable getters, so JSON and structured clone include them.
  let fields: FieldRow[] | undefined;
  const reconciliation = Object.defineProperties(base, {
    bits: { enumerable: true, get: getRows },
    fields: { enumerable: true, get: () => (fields ??= buildFieldRows(state)) },
    findings: { enumerable: true, value: findings },
    summary: { enumerable: true, value: summarize(findings) },
  }) as unknown as Reconciliation;
  return { state, reconciliation };
}

/** reconcile(inputs, options): the whole reconciliation (cli-contract `tdx-cpuid/reconcile/v1`). */
export function reconcile(inputs: EngineInputs, options: ContextOptions = {}): Reconciliation {
  return analyze(inputs, options).reconciliation;
}

export interface BitExplanation {
  readonly address: BitAddress;
  /** Name as the bit knowledge gives it (or the address). */
  readonly name: string;
  readonly description: string | null;
  readonly row: BitRow;
  /** The multi-bit field the bit belongs to, if any. */
  readonly field: FieldRow | null;
  /** Findings that name this bit. */
  readonly findings: readonly Finding[];
  /** The module's special handling texts for this leaf. */
  readonly moduleNotes: readonly string[];
}

export class UnknownBitError extends Error {
  override readonly name = 'UnknownBitError';
}

/** A bit as the user wrote it: `avx512f`, `7.0.ebx.16`, `7.0.EBX[16]`. */
export function resolveBitText(text: string): { address: BitAddress; name: string; description: string | null } {
  const direct = parseBitAddress(text);
  const { entry, address } = resolveBit(text);
  const a = direct ?? address;
  if (!a) throw new UnknownBitError(`"${text}" is neither a bit address like 7.0.ebx.16 nor a known feature name`);
  return { address: a, name: entry?.displayName ?? formatBit(a), description: entry?.description ?? null };
}

export function explainBit(analysis: Analysis, bit: string | BitAddress): BitExplanation {
  const resolved = typeof bit === 'string' ? resolveBitText(bit) : { address: bit, name: formatBit(bit), description: null };
  const a = resolved.address;
  const row = analysis.reconciliation.bits.find((r) => r.leaf === a.leaf && r.subleaf === a.subleaf && r.reg === a.reg && r.bit === a.bit) ?? bitRow(analysis.state, a);
  const field =
    analysis.reconciliation.fields.find((f) => f.leaf === a.leaf && f.subleaf === a.subleaf && f.reg === a.reg && f.bits[0] <= a.bit && a.bit <= f.bits[1]) ?? null;
  const findings = analysis.reconciliation.findings.filter((f) => f.bits.some((b) => b.leaf === a.leaf && b.subleaf === a.subleaf && b.reg === a.reg && b.bit === a.bit));
  const entry = analysis.state.module.get(a.leaf, a.subleaf);
  return {
    address: a,
    name: resolved.name,
    description: resolved.description,
    row,
    field,
    findings,
    moduleNotes: entry ? entry.special.map((s) => `${s.stage}: ${s.text}`) : [],
  };
}
