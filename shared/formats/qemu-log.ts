// QEMU's stderr / libvirt's per-domain log (/var/log/libvirt/qemu/NAME.log) of a TD start.
// Feature warnings (target/i386/cpu.c mark_unavailable_features / mark_forced_on_features,
// feature_word_description; target/i386/kvm/tdx.c tdx_check_features):
//   warning: host doesn't support requested feature: CPUID.07H:EBX.intel-pt [bit 25]        (QEMU <= 10.0)
//   warning: host doesn't support requested feature: CPUID[eax=07h,ecx=00h].EBX.hle [bit 4]  (QEMU >= 10.1)
//   warning: TDX forcibly sets the feature: CPUID[eax=80000007h].EDX.invtsc [bit 8]
//   warning: TDX doesn't support requested feature: CPUID[eax=01h].ECX.pdcm [bit 15]
//   (briefly proposed: CPUID.07H_00H:EBX; MSR words print MSR(10AH) / MSR(10Ah))
// Errors (tdx.c): "TDX ioctl KVM_TDX_INIT_VM failed, hw_errors: 0x...", "Invalid attributes
// 0x.. for TDX VM (KVM supported: 0x..)", "Invalid XFAM 0x.. for TDX VM (supported: 0x..)",
// "Invalid TSC %ld KHz, ...", "Named cpu model is not supported for TDX yet!", ...
// Versions: "QEMU emulator version 10.1.0", libvirt's "starting up libvirt version: X, ...,
// qemu version: Y" header; libvirt logs also hold the command line, parsed as one.

import type { InputFormat } from './types';
import type { QemuFeatureWarning, QemuFeatureWarningKind, QemuLogInput } from '../model/inputs';
import type { Reg } from '../model/address';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { splitLines, unquote } from '../model/text';
import { parseBareHex64 } from '../ingest/numbers';
import { parseQemuCommandLine } from './qemu-cmdline';

const ID = 'qemu-log';

const FEATURE = /(\b(?:host|TCG|HVF|WHPX|NVMM|TDX|SEV|KVM)\b|\w+) doesn't support requested feature: (.+?) \[bit (\d+)\]|(TDX) forcibly sets the feature: (.+?) \[bit (\d+)\]/;
const DESC_NEW = /^CPUID\[eax=([0-9a-fA-F]+)h(?:,\s*ecx=([0-9a-fA-F]+)h)?\]\.(EAX|EBX|ECX|EDX)(?:\.(.+))?$/;
const DESC_MID = /^CPUID\.([0-9a-fA-F]+)H_([0-9a-fA-F]+)H:(EAX|EBX|ECX|EDX)(?:\.(.+))?$/;
const DESC_OLD = /^CPUID\.([0-9a-fA-F]+)H:(EAX|EBX|ECX|EDX)(?:\.(.+))?$/;
const DESC_MSR = /^MSR\(([0-9a-fA-F]+)[Hh]\)(?:\.(.+))?$/;
const IOCTL = /TDX ioctl (KVM_TDX_\w+) failed(?:, hw_errors?: (0x[0-9a-fA-F]+))?/;
const IOCTL_OTHER = /(KVM_TDX_\w+) failed\b/;
const QEMU_VERSION = /QEMU emulator version (\d+\.\d+(?:\.\d+)?\S*)|\bQEMU (\d+\.\d+\.\d+\S*) monitor\b/;
const LIBVIRT_HEADER = /starting up libvirt version: (\d+\.\d+[^,\s]*).*?qemu version: ([^,\s]+)/;
const CMD_START = /(?:^|\s)(?:\S*\/)?(?:qemu-system-\w+|qemu-kvm)(?:\s+\\?$|\s+-)/;

/** Leaves whose QEMU feature words name a sub-leaf (needs_ecx), for the old description form. */
const SUBLEAF_LEAVES = new Set([4, 7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x19, 0x1b, 0x1d, 0x1e, 0x1f, 0x20, 0x23, 0x24]);
/** QEMU names of 7.1.EDX and 7.2.EDX bits (feature_word_info), to place old `CPUID.07H:EDX` lines. */
const LEAF7_SUB1_EDX = new Set(['avx-vnni-int8', 'avx-ne-convert', 'amx-complex', 'avx-vnni-int16', 'prefetchiti', 'avx10', 'apx']);
const LEAF7_SUB2_EDX = new Set(['intel-psfd', 'ipred-ctrl', 'rrsba-ctrl', 'ddpd-u', 'bhi-ctrl', 'mcdt-no']);
const XSAVE_SUB1_EAX = new Set(['xsaveopt', 'xsavec', 'xgetbv1', 'xsaves', 'xfd']);

/** Sub-leaf of an old-form description (`CPUID.07H:EDX`), where QEMU printed none. */
function inferSubleaf(leaf: number, reg: Reg, name: string): number | null {
  if (!SUBLEAF_LEAVES.has(leaf)) return null;
  if (leaf === 7) {
    if (reg === 'eax') return 1;
    if (reg === 'edx') return LEAF7_SUB1_EDX.has(name) ? 1 : LEAF7_SUB2_EDX.has(name) ? 2 : 0;
    return 0;
  }
  if (leaf === 0xd) return reg === 'ecx' || (reg === 'eax' && XSAVE_SUB1_EAX.has(name)) ? 1 : 0;
  return 0;
}

function kindOf(prefix: string, forced: boolean): QemuFeatureWarningKind {
  if (forced) return 'forced-on';
  return prefix === 'TDX' ? 'tdx-unsupported' : 'host-unsupported';
}

function rejectionOf(m: string): QemuLogInput['rejections'][number]['what'] | null {
  if (/Invalid attributes|unsupported TD attribute/i.test(m)) return 'attributes';
  if (/Invalid XFAM/i.test(m)) return 'xfam';
  if (/Invalid TSC|TSC frequency|cpu_frequency/i.test(m)) return 'tsc';
  if (/Named cpu model is not supported for TDX/i.test(m)) return 'cpu-model';
  if (/TDX (?:VM )?(?:doesn't support|requires)|TDX requires guest CPU physical bits|KVM doesn't support KVM_CAP_X86_APIC_BUS_CYCLES_NS|TDX is not supported/i.test(m)) return 'other';
  return null;
}

/** The command line a libvirt log records: from the binary line through its `\` continuations. */
function embeddedCommand(lines: readonly { no: number; text: string }[]): { text: string; line: number } | null {
  for (let i = 0; i < lines.length; i++) {
    if (!CMD_START.test(lines[i]!.text)) continue;
    // Include the environment assignments just above (LC_ALL=C \, PATH=... \).
    let start = i;
    while (start > 0 && /^[A-Za-z_][A-Za-z0-9_]*=\S*\s*\\$/.test(lines[start - 1]!.text.trim())) start--;
    let end = i;
    while (end < lines.length - 1 && /\\\s*$/.test(lines[end]!.text)) end++;
    return { text: lines.slice(start, end + 1).map((l) => l.text).join('\n'), line: lines[start]!.no };
  }
  return null;
}

export const qemuLog: InputFormat<QemuLogInput> = {
  id: ID,
  title: 'QEMU log / libvirt domain log',
  role: 'context',
  detect(text) {
    const head = text.slice(0, 2_000_000);
    // Each pattern runs only where the head holds a literal it needs: a megabyte CPUID dump
    // is then turned down by a few substring searches (kept under 7 characters, which V8
    // runs as a fast first-character scan) instead of the line-anchored patterns.
    // A feature warning counts with the register it names (CPUID[eax=..], CPUID.07H:..,
    // MSR(..)), as QEMU prints it: prose that quotes a warning ("... sets the feature: ...
    // pdcm", a README or a bug description) is not a log.
    const features = head.includes('featu') ? (head.match(/(?:doesn't support requested|forcibly sets the) feature: (?:CPUID[[.]|MSR\()/g) ?? []).length : 0;
    // The same for errors: with their numbers, or where QEMU's message starts a line.
    const tdxErrors = head.includes('TDX')
      ? (head.match(/TDX ioctl KVM_TDX_\w+ failed(?:, hw_errors?: 0x[0-9a-fA-F]+|: \w)|Invalid (?:attributes|XFAM) 0x[0-9a-fA-F]+ .*TDX|Invalid TSC \d+|(?:^|: )Named cpu model is not supported for TDX/gm) ?? []).length
      : 0;
    const libvirt = head.includes('libvi') && LIBVIRT_HEADER.test(head);
    const prefixed = head.includes('qemu-') ? (head.match(/^(?:\S+\s+)?qemu-(?:system-\w+|kvm): /gm) ?? []).length : 0;
    if (!features && !tdxErrors && !libvirt && !prefixed && !(head.includes('QEMU') && QEMU_VERSION.test(head))) return null;
    const parts = [
      features ? `${features} feature warning${features === 1 ? '' : 's'}` : '',
      tdxErrors ? `${tdxErrors} TDX error${tdxErrors === 1 ? '' : 's'}` : '',
      libvirt ? 'libvirt header' : '',
    ].filter(Boolean);
    const conf = features || tdxErrors ? 0.95 : libvirt ? 0.9 : prefixed ? 0.75 : 0.5;
    return { confidence: conf, reason: `QEMU log${parts.length ? `: ${parts.join(', ')}` : ''}` };
  },
  parse(text, name) {
    const lines = splitLines(text);
    if (lines.every((l) => l.text.trim() === '')) throw new FormatError(name, 0, 'QEMU log lines', '', ID);
    const warnings: ParseWarning[] = [];
    const featureWarnings: QemuFeatureWarning[] = [];
    const msrWarnings: NonNullable<QemuLogInput['msrWarnings']>[number][] = [];
    const ioctlFailures: QemuLogInput['ioctlFailures'][number][] = [];
    const rejections: QemuLogInput['rejections'][number][] = [];
    let qemuVersion: string | undefined;
    let libvirtVersion: string | undefined;
    let recognised = 0;
    for (const { no, text: raw } of lines) {
      if (raw.length > 8000) continue;
      const l = unquote(raw);
      let m: RegExpExecArray | null;
      if ((m = LIBVIRT_HEADER.exec(l))) {
        libvirtVersion ??= m[1]!;
        qemuVersion ??= m[2]!;
        recognised++;
      }
      if ((m = QEMU_VERSION.exec(l))) {
        qemuVersion ??= (m[1] ?? m[2])!;
        recognised++;
      }
      if ((m = FEATURE.exec(l))) {
        recognised++;
        const forced = m[4] !== undefined;
        const kind = kindOf((forced ? m[4] : m[1])!, forced);
        const desc = (forced ? m[5] : m[2])!.trim();
        const bit = Number(forced ? m[6] : m[3]);
        const textOut = l.trim();
        let d: RegExpExecArray | null;
        if ((d = DESC_NEW.exec(desc)) || (d = DESC_MID.exec(desc))) {
          const leaf = parseInt(d[1]!, 16);
          const sub = d[2] === undefined ? null : parseInt(d[2], 16);
          featureWarnings.push({ line: no, kind, leaf, subleaf: sub, reg: d[3]!.toLowerCase() as Reg, bit, name: d[4] ?? '', text: textOut });
        } else if ((d = DESC_OLD.exec(desc))) {
          const leaf = parseInt(d[1]!, 16);
          const reg = d[2]!.toLowerCase() as Reg;
          const nm = d[3] ?? '';
          const sub = inferSubleaf(leaf, reg, nm);
          if (sub !== null && !(leaf === 7 && (reg === 'ebx' || reg === 'ecx'))) {
            warnings.push({ line: no, message: `QEMU did not print the sub-leaf; read as ${leaf.toString(16)}h sub-leaf ${sub}` });
          }
          featureWarnings.push({ line: no, kind, leaf, subleaf: sub, reg, bit, name: nm, text: textOut });
        } else if ((d = DESC_MSR.exec(desc))) {
          msrWarnings.push({ line: no, kind, msr: parseInt(d[1]!, 16), name: d[2] ?? '', bit, text: textOut });
        } else {
          warnings.push({ line: no, message: `feature warning with an unknown description: ${desc.slice(0, 60)}` });
        }
        continue;
      }
      if ((m = IOCTL.exec(l)) || (m = IOCTL_OTHER.exec(l))) {
        recognised++;
        const hw = m[2] ? parseBareHex64(m[2]) : null;
        ioctlFailures.push({ line: no, ioctl: m[1]!, ...(hw === null ? {} : { hwError: hw }), text: l.trim() });
      }
      const what = rejectionOf(l);
      if (what) {
        recognised++;
        rejections.push({ line: no, what, text: l.trim() });
      }
      if (/^(?:\S+\s+)?qemu-(?:system-\w+|kvm): /.test(l)) recognised++;
    }
    const cmd = embeddedCommand(lines);
    let cmdline: QemuLogInput['cmdline'];
    if (cmd) {
      try {
        const c = parseQemuCommandLine(cmd.text, name, 'qemu-cmdline');
        // `qemu-system-x86_64 --version` in a pasted session is not the VM's command line.
        if (c.cpu || c.machine || c.tdxGuest) cmdline = c;
      } catch (e) {
        warnings.push({ line: cmd.line, message: `the command line in the log could not be read (${e instanceof Error ? e.message : String(e)})` });
      }
    }
    if (recognised === 0 && !cmdline) {
      const first = lines.find((l) => l.text.trim() !== '')!;
      throw new FormatError(name, first.no, "QEMU log lines ('qemu-system-x86_64: warning: ...', 'QEMU emulator version ...', a libvirt header)", first.text.trim(), ID);
    }
    return {
      kind: 'qemu-log',
      format: ID,
      name,
      warnings,
      ...(qemuVersion === undefined ? {} : { qemuVersion }),
      ...(libvirtVersion === undefined ? {} : { libvirtVersion }),
      featureWarnings,
      ioctlFailures,
      rejections,
      ...(msrWarnings.length ? { msrWarnings } : {}),
      ...(cmdline ? { cmdline } : {}),
    };
  },
};
