// The layer of one parsed input, decided from its content (tdx-cpuid-model.md section 1):
// a CPUID dump is the host unless it shows it runs virtualized (leaf 0x21 "IntelTDX    ",
// the `tdx_guest` flag, the hypervisor bit); KVM captures feed the layers whose structures
// they hold; dmesg and QEMU logs are context; a command line is what was requested.

import type { CpuidDump } from '../model/dump';
import type { KvmInput } from '../model/inputs';
import type { FeedId, Role } from './types';
import type { ParsedInput } from '../formats/types';
import type { InputRole } from '../model/layers';
import { hex32 } from '../model/address';

export interface RoleDecision {
  readonly role: Role;
  readonly confidence: number;
  readonly reason: string;
  readonly feeds: readonly FeedId[];
}

function describeCpu(d: CpuidDump): string {
  const m = d.meta;
  const what = [m.vendor, m.brand ?? (m.signature !== null ? `signature ${hex32(m.signature)}` : null)].filter(Boolean).join(', ');
  return `${m.cpuCount} CPU${m.cpuCount === 1 ? '' : 's'}${what ? ` (${what})` : ''}`;
}

function mentionsTdxGuestFlag(d: CpuidDump): boolean {
  return Object.entries(d.annotations).some(([k, v]) => /tdx_guest/.test(k) || /(?:^|\s)tdx_guest(?:\s|$)/.test(v));
}

function hypervisorBit(d: CpuidDump): boolean {
  const l1 = d.cpus[0]?.table.get(1, null);
  return !!l1 && ((l1.ecx >>> 31) & 1) === 1;
}

export function classifyDump(d: CpuidDump, formatRole: InputRole): RoleDecision {
  if (d.valueKind === 'mask' || d.valueKind === 'ternary') {
    const role = formatRole === 'host' ? 'context' : formatRole;
    return {
      role,
      confidence: 0.5,
      reason: `${d.valueKind === 'mask' ? 'a feature mask' : 'a template (some bits given)'}, not register values: ${role === 'context' ? 'shown, not compared' : `read as ${role}`}`,
      feeds: role === 'context' ? [] : [role as FeedId],
    };
  }
  if (d.meta.tdxGuest) {
    return { role: 'guest', confidence: 0.95, reason: `leaf 0x21 carries "IntelTDX    ": a TD guest's own view, ${describeCpu(d)}`, feeds: ['guest'] };
  }
  if (mentionsTdxGuestFlag(d)) {
    return { role: 'guest', confidence: 0.9, reason: `the tdx_guest flag is set: /proc/cpuinfo of a TD guest, ${describeCpu(d)}`, feeds: ['guest'] };
  }
  if (d.meta.hypervisor || hypervisorBit(d)) {
    const sig = d.meta.hypervisor ? `signature "${d.meta.hypervisor}"` : 'no hypervisor signature leaf';
    return {
      role: 'guest',
      confidence: 0.6,
      reason: `hypervisor bit 1.ECX[31] is set (${sig}) but no TDX signature: a virtual machine's view, read as the guest`,
      feeds: ['guest'],
    };
  }
  return { role: 'host', confidence: 0.9, reason: `no hypervisor bit: native CPUID of ${describeCpu(d)}`, feeds: ['host'] };
}

const KVM_LAYERS: readonly [keyof KvmInput, FeedId, string][] = [
  ['kvmSupported', 'kvmSupported', 'KVM_GET_SUPPORTED_CPUID'],
  ['tdxCaps', 'tdxCaps', 'KVM_TDX_CAPABILITIES'],
  ['initVm', 'initVm', 'KVM_TDX_INIT_VM'],
  ['tdCpuid', 'td', 'KVM_TDX_GET_CPUID'],
  ['setCpuid', 'setCpuid', 'KVM_SET_CPUID2'],
];

export function classifyKvm(k: KvmInput): RoleDecision {
  const present = KVM_LAYERS.filter(([key]) => k[key] !== undefined);
  const feeds = present.map(([, feed]) => feed);
  if (k.tdxModule) feeds.push('module');
  if (k.kernel) feeds.push('kernel');
  if (present.length === 0 && k.qmp?.modelProps) {
    return {
      role: 'kvmSupported',
      confidence: 0.5,
      reason: `QMP CPU model expansion of "${k.qmp.modelName ?? '?'}": feature names KVM and QEMU support, no register values`,
      feeds: ['kvmSupported'],
    };
  }
  const first = present[0];
  if (!first) {
    return k.tdxModule
      ? { role: 'context', confidence: 0.9, reason: `KVM capture: TDX module ${k.tdxModule.version} (from ${k.tdxModule.source ?? 'sysfs'}), no KVM structure`, feeds }
      : { role: 'context', confidence: 0.3, reason: 'KVM capture without any KVM structure (only notes)', feeds };
  }
  const partial = k.knownRegs ? ` (${k.knownRegs.length} feature-word registers known)` : '';
  return {
    role: first[1] as InputRole,
    confidence: 0.95,
    reason: `holds ${present.map(([, , ioctl]) => ioctl).join(', ')}${partial}`,
    feeds,
  };
}

export function classifyParsed(p: ParsedInput, formatRole: InputRole): RoleDecision {
  switch (p.kind) {
    case 'cpuid':
      return classifyDump(p, formatRole);
    case 'kvm':
      return classifyKvm(p);
    case 'dmesg': {
      const feeds: FeedId[] = [];
      if (p.moduleVersion) feeds.push('module');
      if (p.kernelVersion) feeds.push('kernel');
      const what = [
        p.moduleVersion ? `TDX module ${p.moduleVersion}${p.moduleBuild?.number !== undefined ? ` (build ${p.moduleBuild.number})` : ''}` : 'no TDX module version',
        p.kernelVersion ? `kernel ${p.kernelVersion}` : '',
        p.seamcallFailures.length ? `${p.seamcallFailures.length} SEAMCALL failure${p.seamcallFailures.length === 1 ? '' : 's'}` : '',
      ].filter(Boolean);
      return { role: 'context', confidence: p.moduleVersion ? 0.95 : 0.6, reason: `kernel log: ${what.join(', ')}`, feeds };
    }
    case 'qemu-log': {
      const feeds: FeedId[] = ['qemuLog'];
      if (p.cmdline) feeds.push('requested');
      return {
        role: 'context',
        confidence: 0.9,
        reason: `QEMU log${p.qemuVersion ? ` of QEMU ${p.qemuVersion}` : ''}: ${p.featureWarnings.length} feature warning${p.featureWarnings.length === 1 ? '' : 's'}${p.cmdline ? ', with the command line' : ''}`,
        feeds,
      };
    }
    case 'qemu-cmdline':
      return {
        role: 'requested',
        confidence: 0.9,
        reason: `QEMU command line: -cpu ${p.cpu ? [p.cpu.model, ...p.cpu.flags.map((f) => `${f.on ? '+' : '-'}${f.name}`)].join(',') : '(none: QEMU default)'}${p.tdxGuest ? ', -object tdx-guest' : ''}`,
        feeds: ['requested'],
      };
  }
}

/** A KVM capture forced to one layer: its single cpuid table moves there. */
export function retargetKvm(k: KvmInput, role: InputRole): KvmInput {
  const tables = (['kvmSupported', 'tdCpuid', 'setCpuid'] as const).filter((key) => k[key] !== undefined);
  const target = role === 'kvmSupported' ? 'kvmSupported' : role === 'td' ? 'tdCpuid' : role === 'setCpuid' ? 'setCpuid' : null;
  if (!target || tables.length !== 1 || tables[0] === target) return k;
  const from = tables[0]!;
  const { [from]: moved, ...rest } = k;
  return { ...rest, [target]: moved } as KvmInput;
}
