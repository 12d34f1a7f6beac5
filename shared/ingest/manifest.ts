// The manifest of a bug report: for each piece the analysis can use, what was found, or
// that it is missing and how to capture it (README "Capturing inputs on a TDX host";
// tools/capture/tdx-capture.py writes everything marked "capture script").

import type { ClassifiedInput, FeedId, ManifestItem, ManifestStatus } from './types';
import type { DmesgInput, KvmInput, QemuCmdlineInput, QemuLogInput } from '../model/inputs';

interface Slot {
  readonly id: FeedId;
  readonly title: string;
  /** Optional pieces are not "missing": the engine predicts them or they are rare. */
  readonly optional: boolean;
  readonly whenMissing: string;
  readonly hint: string;
}

const SCRIPT = 'sudo python3 tools/capture/tdx-capture.py -o report.tar.gz';

export const MANIFEST_SLOTS: readonly Slot[] = [
  { id: 'host', title: 'Host CPUID (H)', optional: false, whenMissing: 'nothing to predict from', hint: `${SCRIPT} (every CPU), or \`cpuid -r > host-cpuid.txt\` on the host` },
  { id: 'module', title: 'TDX module version (M)', optional: false, whenMissing: 'the newest module table that suits the CPU is assumed', hint: `${SCRIPT}, or \`sudo dmesg | grep -i -e tdx -e seamcall > dmesg-tdx.txt\`` },
  { id: 'kernel', title: 'Host kernel version', optional: true, whenMissing: 'upstream 6.16 KVM behaviour is assumed', hint: `${SCRIPT}, or \`uname -r\` / the "Linux version" line of dmesg` },
  { id: 'requested', title: 'QEMU command line (U)', optional: false, whenMissing: 'QEMU defaults are assumed (-cpu host, pmu=off, attributes = SEPT_VE_DISABLE)', hint: '`tdx-capture.py --qemu-cmdline "$(tr \'\\0\' \' \' < /proc/$(pgrep -f qemu-system)/cmdline)"`, or the libvirt log /var/log/libvirt/qemu/NAME.log (it holds the command line)' },
  { id: 'qemuLog', title: 'QEMU log', optional: false, whenMissing: "QEMU's own warnings cannot be checked against the prediction", hint: 'add `check` to -cpu, then `tdx-capture.py --qemu-log /var/log/libvirt/qemu/NAME.log` (or QEMU\'s stderr)' },
  { id: 'kvmSupported', title: 'KVM_GET_SUPPORTED_CPUID (K)', optional: true, whenMissing: 'predicted from the host and the kernel version', hint: `${SCRIPT} (ioctl on /dev/kvm)` },
  { id: 'tdxCaps', title: 'KVM_TDX_CAPABILITIES (C)', optional: true, whenMissing: 'predicted from the host and the module table', hint: `${SCRIPT} (creates a TDX VM to ask; needs kvm_intel.tdx=1)` },
  { id: 'initVm', title: 'KVM_TDX_INIT_VM payload (I)', optional: true, whenMissing: 'predicted from the command line', hint: 'rarely captured: a QEMU trace (`-trace kvm_*`) or a patched QEMU; write it in the KVM JSON form (docs/kvm-json.md)' },
  { id: 'td', title: "TD's CPUID, KVM_TDX_GET_CPUID (T)", optional: true, whenMissing: "predicted; QEMU's check/enforce warnings reflect it", hint: 'needs a configured TD: a patched QEMU or a KVM selftest; write it in the KVM JSON form' },
  { id: 'setCpuid', title: 'KVM_SET_CPUID2 (S)', optional: true, whenMissing: "predicted from QEMU's CPU model", hint: 'QMP `qom-get` of the vCPU\'s `feature-words` (virsh qemu-monitor-command NAME \'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"feature-words"}}\')' },
  { id: 'guest', title: 'Guest view inside the TD (G)', optional: false, whenMissing: 'only the prediction is shown', hint: 'inside the TD: `cpuid -r > guest-cpuid.txt` and `cat /proc/cpuinfo > guest-cpuinfo.txt`' },
];

function detailOf(id: FeedId, inputs: readonly ClassifiedInput[]): string {
  const first = inputs[0]!;
  const p = first.parsed;
  switch (id) {
    case 'module': {
      if (p.kind === 'kvm') {
        const m = (p as KvmInput).tdxModule!;
        return `TDX module ${m.version}${m.build?.number !== undefined ? ` (build ${m.build.number})` : ''}, from ${m.source ?? 'sysfs'}`;
      }
      const d = p as DmesgInput;
      return `TDX module ${d.moduleVersion}${d.moduleBuild?.number !== undefined ? ` (build ${d.moduleBuild.number}${d.moduleBuild.date ? `, ${d.moduleBuild.date}` : ''})` : ''}`;
    }
    case 'kernel':
      return p.kind === 'dmesg' ? `Linux ${(p as DmesgInput).kernelVersion}` : p.kind === 'kvm' ? `Linux ${(p as KvmInput).kernel}` : '';
    case 'requested': {
      const c = p.kind === 'qemu-log' ? (p as QemuLogInput).cmdline : (p as QemuCmdlineInput);
      if (!c) return '';
      const cpu = c.cpu ? [c.cpu.model, ...c.cpu.flags.map((f) => `${f.on ? '+' : '-'}${f.name}`)].join(',') : 'QEMU default';
      return `-cpu ${cpu}${p.kind === 'qemu-log' ? ' (from the log)' : ''}`;
    }
    default:
      return first.roleReason;
  }
}

export function buildManifest(inputs: readonly ClassifiedInput[]): ManifestItem[] {
  return MANIFEST_SLOTS.map((slot) => {
    const feeding = inputs.filter((i) => i.role !== 'ignore' && i.feeds.includes(slot.id));
    const status: ManifestStatus = feeding.length ? 'found' : slot.optional ? 'optional' : 'missing';
    return {
      id: slot.id,
      title: slot.title,
      status,
      paths: feeding.map((i) => i.path),
      detail: feeding.length ? detailOf(slot.id, feeding) : slot.whenMissing,
      hint: slot.hint,
    };
  });
}
