// One line per input for the report's inputs table: what a reader checks first ("is this the
// right machine / the right log?"). Strings come verbatim from the input and are escaped by
// the renderers like everything else.

import type { ParsedInput } from '../formats/types';
import type { EngineInputs } from '../engine/types';
import { plural } from './text';

export function describeInput(parsed: ParsedInput): string | null {
  switch (parsed.kind) {
    case 'cpuid': {
      const m = parsed.meta;
      const parts: string[] = [];
      if (m.brand) parts.push(m.brand);
      else if (m.vendor) parts.push(m.vendor);
      if (m.family !== null && m.model !== null && m.stepping !== null) {
        parts.push(`family ${m.family} model 0x${m.model.toString(16)} stepping ${m.stepping}`);
      }
      parts.push(plural(m.cpuCount, 'CPU'));
      if (m.hypervisor) parts.push(`hypervisor ${m.hypervisor}`);
      if (parsed.valueKind !== 'values') parts.push(`${parsed.valueKind} data`);
      return parts.join(', ');
    }
    case 'dmesg': {
      const parts: string[] = [];
      if (parsed.kernelVersion) parts.push(`kernel ${parsed.kernelVersion}`);
      if (parsed.moduleVersion) parts.push(`TDX module ${parsed.moduleVersion}`);
      if (parsed.seamcallFailures.length) parts.push(plural(parsed.seamcallFailures.length, 'SEAMCALL failure'));
      return parts.length ? parts.join(', ') : null;
    }
    case 'qemu-log': {
      const parts: string[] = [];
      if (parsed.qemuVersion) parts.push(`QEMU ${parsed.qemuVersion}`);
      if (parsed.featureWarnings.length) parts.push(plural(parsed.featureWarnings.length, 'feature warning'));
      return parts.length ? parts.join(', ') : null;
    }
    case 'qemu-cmdline':
      return parsed.cpu ? `-cpu ${parsed.cpu.model}` : null;
    case 'kvm': {
      const parts: string[] = [];
      if (parsed.kernel) parts.push(`kernel ${parsed.kernel}`);
      const has: [unknown, string][] = [
        [parsed.kvmSupported, 'KVM_GET_SUPPORTED_CPUID'],
        [parsed.tdxCaps, 'KVM_TDX_CAPABILITIES'],
        [parsed.initVm, 'KVM_TDX_INIT_VM'],
        [parsed.tdCpuid, 'KVM_TDX_GET_CPUID'],
        [parsed.setCpuid, 'KVM_SET_CPUID2'],
      ];
      for (const [v, name] of has) if (v !== undefined) parts.push(name);
      return parts.length ? parts.join(', ') : null;
    }
  }
}

/** Details of every parsed input of a reconciliation, by the path it was read from. */
export function inputDetailsOf(inputs: EngineInputs): Record<string, string> {
  const parsed: ParsedInput[] = [...inputs.hosts, ...(inputs.guest ? [inputs.guest] : []), ...inputs.kvm];
  if (inputs.dmesg) parsed.push(inputs.dmesg);
  if (inputs.qemuLog) parsed.push(inputs.qemuLog);
  if (inputs.qemuCmdline) parsed.push(inputs.qemuCmdline);
  const out: Record<string, string> = {};
  for (const p of parsed) {
    const d = describeInput(p);
    if (d !== null && out[p.name] === undefined) out[p.name] = d;
  }
  return out;
}
