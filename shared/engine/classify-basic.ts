// A minimal classifier from parsed inputs to engine inputs, until the ingestion classifier
// replaces it: a CPUID dump of real values is a host (or the guest when it carries the TDX
// signature), mask/ternary dumps (libvirt -enabled/-disabled, Firecracker templates) are not
// layers and are reported as such, KVM captures feed their layers, dmesg and QEMU inputs the
// context. A role can be forced per input (CLI --host F, --guest F, ...).

import type { ParsedInput } from '../formats/types';
import type { CpuidDump } from '../model/dump';
import type { DmesgInput, KvmInput, QemuCmdlineInput, QemuLogInput } from '../model/inputs';
import type { InputRole, LayerId } from '../model/layers';
import type { SourceFile } from '../model/source';
import type { EngineInputs, InputSummary } from './types';

export interface LoadedForEngine {
  readonly source: Pick<SourceFile, 'path' | 'sha256'>;
  readonly parsed: ParsedInput;
  readonly format: string;
  /** Role forced by the user (--host, --guest, --tdx-caps ...). */
  readonly forced?: InputRole;
}

export interface Classified {
  readonly inputs: EngineInputs;
  /** Inputs that feed no layer, with why (shown to the user). */
  readonly ignored: readonly { readonly path: string; readonly why: string }[];
}

const KVM_LAYERS: readonly LayerId[] = ['kvmSupported', 'tdxCaps', 'initVm', 'td', 'setCpuid'];

function kvmRole(k: KvmInput): LayerId | 'context' {
  const present: Readonly<Record<string, unknown>> = { kvmSupported: k.kvmSupported, tdxCaps: k.tdxCaps, initVm: k.initVm, td: k.tdCpuid, setCpuid: k.setCpuid };
  for (const l of KVM_LAYERS) if (present[l] !== undefined) return l;
  return 'context';
}

/** Keeps only the layer a forced role names (`--tdx-caps F` on a capture with several). */
function restrictKvm(k: KvmInput, role: InputRole): KvmInput {
  const keep = (l: LayerId): boolean => role === l;
  return {
    ...k,
    kvmSupported: keep('kvmSupported') ? k.kvmSupported : undefined,
    tdxCaps: keep('tdxCaps') ? k.tdxCaps : undefined,
    initVm: keep('initVm') ? k.initVm : undefined,
    tdCpuid: keep('td') ? k.tdCpuid : undefined,
    setCpuid: keep('setCpuid') ? k.setCpuid : undefined,
  };
}

export function classifyBasic(loaded: readonly LoadedForEngine[]): Classified {
  const hosts: CpuidDump[] = [];
  let guest: CpuidDump | undefined;
  const kvm: KvmInput[] = [];
  let dmesg: DmesgInput | undefined;
  let qemuLog: QemuLogInput | undefined;
  let qemuCmdline: QemuCmdlineInput | undefined;
  const sources: InputSummary[] = [];
  const ignored: { path: string; why: string }[] = [];
  for (const l of loaded) {
    const p = l.parsed;
    let layer: LayerId | 'context';
    switch (p.kind) {
      case 'cpuid': {
        if (p.valueKind === 'mask' || p.valueKind === 'ternary') {
          ignored.push({ path: l.source.path, why: `a ${p.valueKind} (${l.format}) describes a set of bits, not a CPU's values: not a layer` });
          layer = 'context';
          break;
        }
        const asGuest = l.forced === 'guest' || (l.forced === undefined && p.meta.tdxGuest);
        if (asGuest) {
          if (guest) ignored.push({ path: l.source.path, why: 'a guest dump was already given; only the first is used' });
          else guest = p;
          layer = 'guest';
        } else {
          hosts.push(p);
          layer = 'host';
        }
        break;
      }
      case 'kvm': {
        const k = l.forced && l.forced !== 'context' ? restrictKvm(p, l.forced) : p;
        kvm.push(k);
        layer = l.forced && l.forced !== 'context' ? l.forced : kvmRole(p);
        break;
      }
      case 'dmesg':
        if (dmesg) ignored.push({ path: l.source.path, why: 'a dmesg was already given; only the first is used' });
        else dmesg = p;
        layer = 'context';
        break;
      case 'qemu-log':
        if (qemuLog) ignored.push({ path: l.source.path, why: 'a QEMU log was already given; only the first is used' });
        else qemuLog = p;
        layer = 'context';
        break;
      case 'qemu-cmdline':
        if (qemuCmdline) ignored.push({ path: l.source.path, why: 'a QEMU command line was already given; only the first is used' });
        else qemuCmdline = p;
        layer = 'context';
        break;
    }
    sources.push({ path: l.source.path, sha256: l.source.sha256, format: l.format, layer });
  }
  return {
    inputs: {
      hosts,
      ...(guest ? { guest } : {}),
      kvm,
      ...(dmesg ? { dmesg } : {}),
      ...(qemuLog ? { qemuLog } : {}),
      ...(qemuCmdline ? { qemuCmdline } : {}),
      sources,
    },
    ignored,
  };
}
