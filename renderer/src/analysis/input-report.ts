// Sources-panel rows from what ingestion made of each file (shared/ingest): detected
// format and layer with their confidence and reasons, the CPU, what the input states,
// warnings, and the conflicts it is part of.

import type { ClassifiedInput, Conflict, IngestProblem, ManifestItem } from '../../../shared/ingest/types';
import type { ParsedInput } from '../../../shared/formats/types';
import { formatBit } from '../../../shared/model/address';
import type { InputRole } from '../../../shared/model/layers';
import type { CpuSummary, InputReport, MissingLayer } from './types';

function cpuOf(p: ParsedInput): CpuSummary | null {
  if (p.kind !== 'cpuid') return null;
  const m = p.meta;
  return {
    vendor: m.vendor,
    brand: m.brand,
    family: m.family,
    model: m.model,
    stepping: m.stepping,
    signature: m.signature,
    cpuCount: m.cpuCount,
    packages: m.packages,
    hypervisor: m.hypervisor,
    tdxGuest: m.tdxGuest,
  };
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** What the input itself states, as short label/value pairs. */
export function factsOf(p: ParsedInput): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  const add = (label: string, value: string | number | undefined | null): void => {
    if (value !== undefined && value !== null && value !== '') out.push({ label, value: String(value) });
  };
  switch (p.kind) {
    case 'cpuid':
      if (p.valueKind !== 'values') add('values', p.valueKind === 'mask' ? 'feature mask' : p.valueKind === 'ternary' ? 'template (some bits given)' : 'flags only');
      if (p.meta.packages !== null) add('packages', p.meta.packages);
      if (p.probeEchoes.length) add('probe rows dropped', p.probeEchoes.length);
      for (const [k, v] of Object.entries(p.annotations).slice(0, 4)) add(k, v.length > 300 ? `${v.slice(0, 299)}…` : v);
      break;
    case 'dmesg':
      add('kernel', p.kernelVersion);
      add('TDX module', p.moduleVersion);
      add('module build', p.moduleBuild?.number);
      if (p.tdxFeatures0 !== undefined) add('TDX_FEATURES0', hex(p.tdxFeatures0));
      if (p.seamcallFailures.length) add('SEAMCALL failures', p.seamcallFailures.map((f) => `${f.fn || 'SEAMCALL'} ${hex(f.status)}`).join(', '));
      add('TDX lines', p.events.length);
      break;
    case 'qemu-log':
      add('QEMU', p.qemuVersion);
      if (p.featureWarnings.length) add('feature warnings', p.featureWarnings.length);
      for (const f of p.ioctlFailures.slice(0, 3)) add(f.ioctl, f.hwError !== undefined ? `hw_error ${hex(f.hwError)}` : 'failed');
      if (p.rejections.length) add('rejections', p.rejections.map((r) => r.what).join(', '));
      break;
    case 'qemu-cmdline':
      if (p.cpu) add('-cpu', [p.cpu.model, ...p.cpu.flags.map((f) => `${f.on ? '+' : '-'}${f.name}`)].join(','));
      if (p.cpu?.pmu !== undefined) add('pmu', p.cpu.pmu ? 'on' : 'off');
      if (p.tdxGuest?.attributes !== undefined) add('attributes', hex(p.tdxGuest.attributes));
      if (p.smp?.cpus !== undefined) add('-smp', p.smp.cpus);
      break;
    case 'kvm': {
      add('kernel', p.kernel);
      const parts = [
        p.kvmSupported ? 'KVM_GET_SUPPORTED_CPUID' : '',
        p.tdxCaps ? `KVM_TDX_CAPABILITIES (${p.tdxCaps.abi} ABI)` : '',
        p.initVm ? 'KVM_TDX_INIT_VM' : '',
        p.tdCpuid ? 'KVM_TDX_GET_CPUID' : '',
        p.setCpuid ? 'KVM_SET_CPUID2' : '',
      ].filter(Boolean);
      add('holds', parts.join(', '));
      break;
    }
  }
  return out;
}

export function reportForClassified(
  id: string,
  ci: ClassifiedInput,
  conflicts: readonly Conflict[],
  forced: { format: boolean; layer: boolean },
  disabled: boolean,
): InputReport {
  const parsed = ci.parsed;
  const facts = factsOf(parsed);
  if (ci.sources.length > 1) facts.unshift({ label: 'combined', value: `${ci.sources.length} files as ${ci.path}` });
  if (parsed.kind === 'qemu-log') {
    for (const w of parsed.featureWarnings.slice(0, 3)) facts.push({ label: `line ${w.line}`, value: `${w.kind} ${formatBit(w)}${w.name ? ` ${w.name}` : ''}` });
  }
  const ignored = ci.role === 'ignore';
  return {
    id,
    path: ci.path,
    status: disabled ? 'disabled' : 'ok',
    format: ci.format,
    formatTitle: ci.formatTitle,
    layer: ignored ? null : (ci.role as InputRole),
    confidence: ci.detection.confidence,
    reason: ci.detection.reason,
    layerConfidence: ignored ? null : ci.roleConfidence,
    layerReason: disabled ? 'excluded from the analysis' : ci.roleReason,
    forced,
    cpu: cpuOf(parsed),
    facts,
    warnings: parsed.warnings.map((w) => ({ line: w.line, message: w.message })),
    problems: conflicts.filter((c) => c.paths.includes(ci.path)).map((c) => c.message),
    alternatives: [],
  };
}

export function reportForProblem(id: string, problem: IngestProblem, forced: { format: boolean; layer: boolean }): InputReport {
  const unreadable = /binary|empty|not a format/.test(problem.message);
  return {
    id,
    path: problem.path,
    status: unreadable ? 'unrecognised' : 'error',
    format: null,
    formatTitle: null,
    layer: null,
    confidence: null,
    reason: unreadable ? 'not recognised' : 'could not be read',
    layerConfidence: null,
    layerReason: '',
    forced,
    cpu: null,
    facts: [],
    warnings: [],
    problems: [problem.line ? `line ${problem.line}: ${problem.message}` : problem.message],
    alternatives: [],
  };
}

const FEED_LAYER: Readonly<Record<string, InputRole>> = {
  host: 'host',
  module: 'context',
  kernel: 'context',
  kvmSupported: 'kvmSupported',
  tdxCaps: 'tdxCaps',
  requested: 'requested',
  qemuLog: 'context',
  initVm: 'initVm',
  td: 'td',
  setCpuid: 'setCpuid',
  guest: 'guest',
};

/** The manifest's missing (and optional, not found) pieces, with how to capture them. */
export function missingLayers(manifest: readonly ManifestItem[]): MissingLayer[] {
  return manifest
    .filter((m) => m.status !== 'found')
    .map((m) => ({
      layer: FEED_LAYER[m.id] ?? 'context',
      title: `${m.title}${m.status === 'optional' ? ' — optional' : ''}`,
      hint: `${m.detail[0]?.toUpperCase() ?? ''}${m.detail.slice(1)}. Capture: ${m.hint}`,
    }));
}
