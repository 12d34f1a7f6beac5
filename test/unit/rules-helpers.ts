// Helpers of the rule tests: analyses of corpus hosts with captured KVM layers, dmesg and QEMU
// logs built from text through the real readers, and finding lookups.

import type { Reconciliation } from '../../shared/engine/types';
import type { ContextOptions, EngineInputs, Finding } from '../../shared/engine/types';
import { analyze } from '../../shared/engine/reconcile';
import { parseInput } from '../../shared/formats/registry';
import type { CpuidDump } from '../../shared/model/dump';
import type { DmesgInput, KvmCpuidEntry, KvmInput, QemuCmdlineInput, QemuLogInput } from '../../shared/model/inputs';

export function inputs(host: CpuidDump | null, extra: Partial<EngineInputs> = {}): EngineInputs {
  return { hosts: host ? [host] : [], kvm: [], sources: [], ...extra };
}

export function run(host: CpuidDump | null, options: ContextOptions = {}, extra: Partial<EngineInputs> = {}): Reconciliation {
  return analyze(inputs(host, extra), options).reconciliation;
}

export function findings(r: Reconciliation, rule: string): Finding[] {
  return r.findings.filter((f) => f.rule === rule);
}

export function kvmInput(fields: Partial<KvmInput>): KvmInput {
  return { kind: 'kvm', format: 'kvm-json', name: 'capture.json', warnings: [], ...fields };
}

/** Entries of a reconciliation's table (predicted TD, capabilities...) as kvm_cpuid_entry2. */
export function kvmEntries(list: readonly { leaf: number; subleaf: number | null; eax: number; ebx: number; ecx: number; edx: number }[]): KvmCpuidEntry[] {
  return list.map((e) => ({ function: e.leaf, index: e.subleaf ?? 0, flags: e.subleaf === null ? 0 : 1, eax: e.eax, ebx: e.ebx, ecx: e.ecx, edx: e.edx }));
}

/** KVM_TDX_CAPABILITIES (6.16 ABI) as the engine predicts it for a host and module. */
export function capsCapture(host: CpuidDump, module: string): KvmInput {
  const c = run(host, { module }).predicted.tdxCaps;
  return kvmInput({ name: `caps-${module}.json`, tdxCaps: { abi: '6.16', supportedAttrs: c.supportedAttrs, supportedXfam: c.supportedXfam, cpuid: kvmEntries(c.cpuid) } });
}

/** The KVM_TDX_INIT_VM payload the engine predicts, with a change applied to its entries. */
export function initVmCapture(host: CpuidDump, module: string, change: (e: KvmCpuidEntry) => KvmCpuidEntry = (e) => e, extra: KvmCpuidEntry[] = []): KvmInput {
  const i = run(host, { module }).predicted.initVm;
  return kvmInput({ name: 'init-vm.json', initVm: { attributes: i.attributes, xfam: i.xfam, cpuid: [...kvmEntries(i.cpuid).map(change), ...extra] } });
}

export function dmesg(text: string): DmesgInput {
  return parseInput(text, 'dmesg.txt', 'dmesg').parsed as DmesgInput;
}

export function qemuLog(text: string): QemuLogInput {
  return parseInput(text, 'qemu.log', 'qemu-log').parsed as QemuLogInput;
}

export function qemuCmdline(text: string): QemuCmdlineInput {
  return parseInput(text, 'qemu-cmdline.txt', 'qemu-cmdline').parsed as QemuCmdlineInput;
}

/** `7.0.ebx.16` style keys of a finding's bits. */
export function bitKeys(f: Finding): string[] {
  return f.bits.map((b) => `${b.leaf.toString(16)}.${b.subleaf ?? '-'}.${b.reg}.${b.bit}`);
}
