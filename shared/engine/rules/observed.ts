// Failures a bug report shows directly: `SEAMCALL ... failed: 0x..., rcx 0x...` lines of the
// host dmesg and `TDX ioctl ... failed, hw_errors: 0x...` lines of the QEMU log, decoded
// (tdx-cpuid-model.md 6). Shared by config-not-configurable (CPUID_CONFIG failures) and
// seamcall-error (everything else).

import type { EngineInputs } from '../types';
import type { DecodedTdxStatus } from '../tdx-errors';
import { decodeTdxStatus } from '../tdx-errors';

export interface ObservedFailure {
  /** "dmesg line 12" / "QEMU log line 7". */
  readonly where: string;
  /** SEAMCALL or ioctl as printed ("TDH_MNG_INIT", "KVM_TDX_INIT_VM"). */
  readonly call: string;
  readonly decoded: DecodedTdxStatus;
  readonly text: string;
}

export function observedFailures(inputs: EngineInputs): ObservedFailure[] {
  const out: ObservedFailure[] = [];
  for (const f of inputs.dmesg?.seamcallFailures ?? []) {
    out.push({ where: `${inputs.dmesg!.name} line ${f.line}`, call: f.fn || 'SEAMCALL', decoded: decodeTdxStatus(f.status, f.rcx), text: f.text });
  }
  for (const f of inputs.qemuLog?.ioctlFailures ?? []) {
    if (f.hwError === undefined) continue;
    out.push({ where: `${inputs.qemuLog!.name} line ${f.line}`, call: f.ioctl, decoded: decodeTdxStatus(f.hwError), text: f.text });
  }
  return out;
}
