// Kernel log (dmesg, journalctl -k) of a TDX host: kernel release, TDX module version and
// build in every shape kernels have printed, TDX_FEATURES0, SEAMCALL failures and KVM's
// TDX verdict. Shapes (arch/x86/virt/vmx/tdx/tdx.c and its forks; sources in
// test/fixtures/ingest/README.md):
//   tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 0, build_date 20211209, build_num 160
//   virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, build_date 20240129, build_num 698
//   tdx: TDX module: features0: fbf
//   virt/tdx: Module version: 1.5.24                                   (pr_info "Module version: %u.%u.%02u")
//   virt/tdx: TDX module version: 1.5.24
//   virt/tdx: Module version: 1.5.06.00.0744, build_date: 20240129    ("%u.%u.%02u.%02u.%04u, build_date: %u")
//   virt/tdx: module version: 1.5.06.00.0744 (build_date 20240129).
//   virt/tdx: TDX module 1.5.06.00.0744 initialized
//   virt/tdx: TDX_FEATURES0: 0x...
//   virt/tdx: SEAMCALL (0x0000000000000021) failed: 0x...   then   RCX 0x... RDX 0x... R08 0x...
//   kvm_intel: SEAMCALL TDH_MNG_INIT failed: 0x..., rcx 0x...     (KVM pr_tdx_error_1)
//   kvm_intel: TDX is supported. / kvm_intel: tdx: no TDX private KeyIDs available ...

import type { InputFormat } from './types';
import type { DmesgInput, SeamcallFailure } from '../model/inputs';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { splitLines } from '../model/text';
import { stripKernelPrefix } from '../ingest/kernel-line';
import { parseBareHex64 } from '../ingest/numbers';

const ID = 'dmesg';

/** SEAMCALL leaf numbers (arch/x86/virt/vmx/tdx/tdx.h), for `SEAMCALL (0x...)` lines. */
const SEAMCALL_LEAVES: Readonly<Record<number, string>> = {
  0: 'TDH_VP_ENTER', 1: 'TDH_MNG_ADDCX', 2: 'TDH_MEM_PAGE_ADD', 3: 'TDH_MEM_SEPT_ADD', 4: 'TDH_VP_ADDCX',
  6: 'TDH_MEM_PAGE_AUG', 7: 'TDH_MEM_RANGE_BLOCK', 8: 'TDH_MNG_KEY_CONFIG', 9: 'TDH_MNG_CREATE', 10: 'TDH_VP_CREATE',
  11: 'TDH_MNG_RD', 16: 'TDH_MR_EXTEND', 17: 'TDH_MR_FINALIZE', 18: 'TDH_VP_FLUSH', 19: 'TDH_MNG_VPFLUSHDONE',
  20: 'TDH_MNG_KEY_FREEID', 21: 'TDH_MNG_INIT', 22: 'TDH_VP_INIT', 24: 'TDH_PHYMEM_PAGE_RDMD', 26: 'TDH_VP_RD',
  28: 'TDH_PHYMEM_PAGE_RECLAIM', 29: 'TDH_MEM_PAGE_REMOVE', 31: 'TDH_SYS_KEY_CONFIG', 32: 'TDH_SYS_INFO',
  33: 'TDH_SYS_INIT', 34: 'TDH_SYS_RD', 35: 'TDH_SYS_LP_INIT', 36: 'TDH_SYS_TDMR_INIT', 37: 'TDH_SYS_RDALL',
  38: 'TDH_MEM_TRACK', 40: 'TDH_PHYMEM_CACHE_WB', 41: 'TDH_PHYMEM_PAGE_WBINVD', 43: 'TDH_VP_WR', 44: 'TDH_SYS_LP_SHUTDOWN',
  45: 'TDH_SYS_CONFIG',
};

const BANNER = /^Linux version (\S+)/;
const OLD_MODULE = /\bTDX module: attributes 0x[0-9a-fA-F]+, vendor_id 0x[0-9a-fA-F]+, major_version (\d+), minor_version (\d+), build_date (\d{8}), build_num (\d+)/;
const FEATURES_OLD = /\bTDX module: features0: (?:0x)?([0-9a-fA-F]{1,16})\b/;
const FEATURES_NEW = /\bTDX_FEATURES0:? (?:0x)?([0-9a-fA-F]{1,16})\b/;
const VERSION = /\b(?:TDX module|[Mm]odule) version:? v?(\d+)\.(\d+)\.(\d+)(?:\.(\d+)\.(\d+))?/;
const VERSION_INIT = /\bTDX module (?:version )?v?(\d+)\.(\d+)\.(\d+)(?:\.(\d+)\.(\d+))?\b/;
const BUILD_DATE = /build[_ ]date:? (\d{8})/;
const BUILD_NUM = /build[_ ]num(?:ber)?:? (\d+)/;
const SEAMCALL_NUM = /SEAMCALL \((0x[0-9a-fA-F]+)\) failed: (0x[0-9a-fA-F]+)/;
const SEAMCALL_NAMED = /SEAMCALL (\w+) failed: (0x[0-9a-fA-F]+)(?:, rcx (0x[0-9a-fA-F]+))?/;
const REGS_AFTER = /^(?:virt\/tdx: )?RCX (0x[0-9a-fA-F]+) RDX/;
const TDX_LINE = /tdx|seamcall|seamldr|TDX/i;
/** A '[' at the start of some line, after blanks and '>' quote marks. */
const LINE_START_BRACKET = /(?:^|\n)[\s>]*\[/;

function pad2(n: string): string {
  return n.padStart(2, '0');
}

/**
 * A TDX line of a kernel log: the tdx/kvm_intel subsystem prefixes, or a SEAMCALL failure
 * with its numbers. A bare "SEAMCALL" is prose (a README, a bug description), not a log.
 */
function isTdxLine(message: string): boolean {
  return /^(?:virt\/)?tdx: |^kvm_intel: .*(?:tdx|TDX)/.test(message) || SEAMCALL_NUM.test(message) || SEAMCALL_NAMED.test(message);
}

/** True when the first 200 lines show any sign of a kernel log (prefix, TDX line, banner). */
function looksKernelish(lines: readonly string[]): boolean {
  for (let i = 0; i < Math.min(lines.length, 200); i++) {
    const raw = lines[i]!;
    if (raw.length > 2000) continue;
    const { message, prefixed } = stripKernelPrefix(raw);
    if (prefixed || isTdxLine(message) || BANNER.test(message)) return true;
  }
  return false;
}

export const dmesg: InputFormat<DmesgInput> = {
  id: ID,
  title: 'Kernel log (dmesg / journalctl -k)',
  role: 'context',
  detect(text) {
    // Look at the head first: most text that is not a kernel log is recognised there (a
    // CPUID dump's first 200 lines hold no kernel-log line) without splitting it all into
    // lines and stripping prefixes from each: detection runs on every file of a bundle.
    const head = text.slice(0, 65_536).split(/\r?\n/, 201);
    const scanned = head.length > 200 && !looksKernelish(head) ? '' : text.slice(0, 4_000_000);
    // Per-line patterns run only where the text holds a literal they need ("tdx: ",
    // "kvm_intel: ", "SEAMCALL"; "Linux version"): the module version matters only
    // beside TDX lines. Short literals are a fast scan in V8.
    const mayTdx = scanned.includes('tdx: ') || scanned.includes('kvm_i') || scanned.includes('SEAMC');
    const mayBanner = scanned.includes('Linux');
    // Without those, only lines with a kernel-log prefix count, and every prefix that
    // stripKernelPrefix knows needs a ':' ("kern  :info  : ", "host kernel: "), a '<'
    // ("<6>") or a '[' starting the line after blanks and '>' quotes ("[   1.2]").
    if (!mayTdx && !mayBanner && !scanned.includes(':') && !scanned.includes('<') && !LINE_START_BRACKET.test(scanned)) return null;
    // A short text's head is already all of its lines.
    const lines = scanned === '' ? [] : text.length <= 65_536 && head.length <= 200 ? head : scanned.split(/\r?\n/, 200_000);
    let kernel = 0;
    let tdx = 0;
    let version = false;
    let banner = false;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (raw.length > 2000) continue;
      const { message, prefixed } = stripKernelPrefix(raw);
      if (prefixed) kernel++;
      if (mayTdx) {
        if (isTdxLine(message)) tdx++;
        if (!version && (OLD_MODULE.test(message) || VERSION.test(message))) version = true;
      }
      if (mayBanner && !banner && BANNER.test(message)) banner = true;
    }
    if (tdx > 0) {
      return { confidence: 0.95, reason: `kernel log: ${tdx} TDX line${tdx === 1 ? '' : 's'}${version ? ', names the TDX module version' : ''}` };
    }
    if (banner || kernel >= 3) return { confidence: 0.5, reason: `kernel log without TDX lines (${kernel} kernel lines)` };
    return null;
  },
  parse(text, name) {
    const lines = splitLines(text);
    if (lines.every((l) => l.text.trim() === '')) throw new FormatError(name, 0, 'kernel log lines', '', ID);
    const warnings: ParseWarning[] = [];
    const events: { line: number; text: string }[] = [];
    const seamcallFailures: SeamcallFailure[] = [];
    let kernelVersion: string | undefined;
    let moduleVersion: string | undefined;
    let buildNumber: number | undefined;
    let buildDate: string | undefined;
    let tdxFeatures0: bigint | undefined;
    let moduleInitialized: boolean | undefined;
    let kvmTdx: DmesgInput['kvmTdx'];
    let kernelish = 0;
    const setVersion = (v: string, no: number): void => {
      if (moduleVersion !== undefined && moduleVersion !== v && !v.startsWith(`${moduleVersion}.`) && !moduleVersion.startsWith(v)) {
        warnings.push({ line: no, message: `a second TDX module version ${v} (first ${moduleVersion}); the last one is used` });
      }
      // Keep the most precise form ("1.5.06" over "1.5").
      if (moduleVersion === undefined || v.length >= moduleVersion.length || !moduleVersion.startsWith(v)) moduleVersion = v;
    };
    for (const { no, text: raw } of lines) {
      if (raw.length > 4000) continue;
      const { message: m, prefixed } = stripKernelPrefix(raw);
      if (prefixed || /^[\w/-]+: /.test(m)) kernelish++;
      let r: RegExpExecArray | null;
      if ((r = BANNER.exec(m))) {
        kernelVersion ??= r[1]!;
        events.push({ line: no, text: m });
        continue;
      }
      if (!TDX_LINE.test(m)) continue;
      events.push({ line: no, text: m });
      if ((r = OLD_MODULE.exec(m))) {
        setVersion(`${r[1]}.${r[2]}`, no);
        buildDate = r[3]!;
        buildNumber = Number(r[4]);
      } else if ((r = VERSION.exec(m)) ?? (r = /initiali[sz]ed/.test(m) ? VERSION_INIT.exec(m) : null)) {
        setVersion(`${r[1]}.${r[2]}.${pad2(r[3]!)}`, no);
        if (r[5] !== undefined) buildNumber = Number(r[5]);
      }
      if ((r = BUILD_DATE.exec(m)) && /TDX|[Mm]odule/.test(m)) buildDate = r[1]!;
      if ((r = BUILD_NUM.exec(m)) && /TDX|[Mm]odule/.test(m) && !OLD_MODULE.test(m)) buildNumber = Number(r[1]);
      if ((r = FEATURES_OLD.exec(m) ?? FEATURES_NEW.exec(m))) tdxFeatures0 = parseBareHex64(r[1]!) ?? undefined;
      if (/(?:^(?:virt\/)?tdx: |TDX )module initiali[sz]ed|TDX module \S+ initiali[sz]ed/.test(m)) moduleInitialized = true;
      if (/(?:^(?:virt\/)?tdx: )(?:module )?initiali[sz]ation failed|Failed to initialize TDX module|module not loaded|TDX module is not loaded/.test(m)) {
        moduleInitialized = false;
      }
      if (/^kvm_intel: /.test(m)) {
        if (/TDX is supported/i.test(m)) kvmTdx = 'supported';
        else if (/fail/i.test(m) && /tdx/i.test(m)) kvmTdx = kvmTdx === 'supported' ? kvmTdx : 'failed';
        else if (/disabl|not supported|requires|no TDX|Cannot enable TDX/i.test(m)) kvmTdx = kvmTdx ?? 'disabled';
      }
      if ((r = SEAMCALL_NUM.exec(m))) {
        const leaf = Number(parseBareHex64(r[1]!) ?? -1n);
        seamcallFailures.push({ line: no, fn: SEAMCALL_LEAVES[leaf] ?? r[1]!, status: parseBareHex64(r[2]!) ?? 0n, text: m });
      } else if ((r = SEAMCALL_NAMED.exec(m))) {
        seamcallFailures.push({
          line: no,
          fn: r[1]!,
          status: parseBareHex64(r[2]!) ?? 0n,
          ...(r[3] ? { rcx: parseBareHex64(r[3]) ?? 0n } : {}),
          text: m,
        });
      } else if ((r = REGS_AFTER.exec(m)) && seamcallFailures.length) {
        const last = seamcallFailures[seamcallFailures.length - 1]!;
        if (last.rcx === undefined && no - last.line <= 2) seamcallFailures[seamcallFailures.length - 1] = { ...last, rcx: parseBareHex64(r[1]!) ?? 0n };
      }
    }
    if (kernelish === 0 && events.length === 0) {
      const first = lines.find((l) => l.text.trim() !== '')!;
      throw new FormatError(name, first.no, "kernel log lines ('[    1.234567] virt/tdx: ...', 'Linux version ...')", first.text.trim(), ID);
    }
    if (moduleVersion !== undefined && /^\d+\.\d+$/.test(moduleVersion)) {
      warnings.push({ line: 0, message: `the kernel printed only major.minor (${moduleVersion}) and build ${buildNumber ?? '?'}: the update number is not in the log` });
    }
    return {
      kind: 'dmesg',
      format: ID,
      name,
      warnings,
      ...(kernelVersion === undefined ? {} : { kernelVersion }),
      ...(moduleVersion === undefined ? {} : { moduleVersion }),
      ...(buildNumber === undefined && buildDate === undefined
        ? {}
        : { moduleBuild: { ...(buildNumber === undefined ? {} : { number: buildNumber }), ...(buildDate === undefined ? {} : { date: buildDate }) } }),
      ...(tdxFeatures0 === undefined ? {} : { tdxFeatures0 }),
      ...(moduleInitialized === undefined ? {} : { moduleInitialized }),
      ...(kvmTdx === undefined ? {} : { kvmTdx }),
      seamcallFailures,
      events,
    };
  },
};
