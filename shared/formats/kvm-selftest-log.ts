// KVM TDX selftest debug output (tools/testing/selftests/kvm/lib/x86/tdx/tdx_util.c,
// tdx_read_capabilities(), printed with pr_debug). Two generations:
//   6.16 ABI:   "tdx_cap: supported_attrs: 0x%016llx" / "tdx_cap: supported_xfam 0x%016llx"
//   pre-upstream (v19-era): "tdx_cap: attrs: fixed0 0x%016llx fixed1 0x%016llx",
//               "tdx_cap: xfam fixed0 0x%016llx fixed1 0x%016llx", "tdx_cap: supported_gpaw: %d"
// and, in both, "cpuid config[%d]: leaf 0x%x sub_leaf 0x%x eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x"
// (in 6.16 sub_leaf is kvm_cpuid_entry2.index; pre-upstream 0xffffffff = no sub-leaf).
// Lines may carry any prefix (test runner, timestamps), so the patterns are searched, not anchored.

import type { InputFormat } from './types';
import type { KvmCpuidEntry, KvmInput } from '../model/inputs';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { splitLines } from '../model/text';
import { parseBareHex64 } from '../ingest/numbers';

const ID = 'kvm-selftest-log';
const ATTRS_616 = /tdx_cap: supported_attrs:?\s+(0x[0-9a-fA-F]+)/;
const XFAM_616 = /tdx_cap: supported_xfam:?\s+(0x[0-9a-fA-F]+)/;
const ATTRS_OLD = /tdx_cap: attrs:?\s+fixed0\s+(0x[0-9a-fA-F]+)\s+fixed1\s+(0x[0-9a-fA-F]+)/;
const XFAM_OLD = /tdx_cap: xfam:?\s+fixed0\s+(0x[0-9a-fA-F]+)\s+fixed1\s+(0x[0-9a-fA-F]+)/;
const GPAW = /tdx_cap: supported_gpaw:?\s+(\d+)/;
const CONFIG =
  /cpuid config\[(\d+)\]:\s*leaf\s+(0x[0-9a-fA-F]+)\s+sub_leaf\s+(0x[0-9a-fA-F]+)\s+eax\s+(0x[0-9a-fA-F]+)\s+ebx\s+(0x[0-9a-fA-F]+)\s+ecx\s+(0x[0-9a-fA-F]+)\s+edx\s+(0x[0-9a-fA-F]+)/;
const ANY = /tdx_cap: |cpuid config\[\d+\]:/;
const NO_SUBLEAF = 0xffffffff;

function h32(s: string): number | null {
  const v = parseBareHex64(s);
  return v !== null && v <= 0xffffffffn ? Number(v) : null;
}

export const kvmSelftestLog: InputFormat<KvmInput> = {
  id: ID,
  title: 'KVM TDX selftest debug log (tdx_cap / cpuid config lines)',
  role: 'tdxCaps',
  detect(text) {
    // Both markers hold these short literals; V8 finds them with a fast scan, so a megabyte
    // dump of another format is turned down without running the pattern over it.
    if (!text.includes('tdx_c') && !text.includes('nfig[')) return null;
    let caps = 0;
    let configs = 0;
    // Lines with their numbers: documentation quoting the format strings
    // (`tdx_cap: supported_attrs: 0x%016llx`, `0x...`) is not a capture.
    for (const m of text.matchAll(/tdx_cap: \w+:?\s+(?:fixed0\s+)?(?:0x[0-9a-fA-F]+|\d+)\b|cpuid config\[\d+\]:/g)) {
      if (m[0].startsWith('tdx_cap')) caps++;
      else configs++;
      if (caps + configs > 64) break;
    }
    if (caps === 0 && configs < 2) return null;
    const abi = /tdx_cap: attrs:?\s+fixed0/.test(text) ? 'pre-upstream ABI' : '6.16 ABI';
    return { confidence: caps > 0 ? 0.95 : 0.7, reason: `KVM TDX selftest capability dump (${abi}): ${configs}${configs > 64 ? '+' : ''} cpuid config lines` };
  },
  parse(text, name) {
    const warnings: ParseWarning[] = [];
    let attrs: bigint | undefined;
    let xfam: bigint | undefined;
    let attrsFixed1: bigint | undefined;
    let xfamFixed1: bigint | undefined;
    let gpaw: number | undefined;
    let legacy = false;
    const cpuid: KvmCpuidEntry[] = [];
    for (const { no, text: line } of splitLines(text)) {
      if (!ANY.test(line)) continue;
      let m: RegExpExecArray | null;
      if ((m = ATTRS_616.exec(line))) attrs = parseBareHex64(m[1]!) ?? undefined;
      else if ((m = XFAM_616.exec(line))) xfam = parseBareHex64(m[1]!) ?? undefined;
      else if ((m = ATTRS_OLD.exec(line))) {
        legacy = true;
        attrs = parseBareHex64(m[1]!) ?? undefined;
        attrsFixed1 = parseBareHex64(m[2]!) ?? undefined;
      } else if ((m = XFAM_OLD.exec(line))) {
        legacy = true;
        xfam = parseBareHex64(m[1]!) ?? undefined;
        xfamFixed1 = parseBareHex64(m[2]!) ?? undefined;
      } else if ((m = GPAW.exec(line))) gpaw = Number(m[1]);
      else if ((m = CONFIG.exec(line))) {
        const v = m.slice(2, 8).map(h32);
        if (v.some((x) => x === null)) throw new FormatError(name, no, '32-bit hex values in a cpuid config line', line.trim(), ID);
        const [leaf, sub, eax, ebx, ecx, edx] = v as number[];
        cpuid.push({ function: leaf!, index: sub === NO_SUBLEAF ? 0 : sub!, flags: sub === NO_SUBLEAF ? 0 : 1, eax: eax!, ebx: ebx!, ecx: ecx!, edx: edx! });
        if (sub === NO_SUBLEAF) legacy = true;
      } else if (/tdx_cap: /.test(line)) {
        warnings.push({ line: no, message: `tdx_cap line not understood: ${line.trim().slice(0, 80)}` });
      } else {
        throw new FormatError(name, no, "a line 'cpuid config[N]: leaf 0x.. sub_leaf 0x.. eax 0x.. ebx 0x.. ecx 0x.. edx 0x..'", line.trim(), ID);
      }
    }
    if (attrs === undefined && xfam === undefined && cpuid.length === 0) {
      throw new FormatError(name, 0, "KVM selftest lines 'tdx_cap: supported_attrs: 0x...' or 'cpuid config[i]: ...'", undefined, ID);
    }
    if (attrs === undefined || xfam === undefined) warnings.push({ line: 0, message: 'attributes or XFAM line missing; only the CPUID configuration is known' });
    return {
      kind: 'kvm',
      format: ID,
      name,
      warnings,
      tdxCaps: {
        abi: legacy ? 'legacy' : '6.16',
        supportedAttrs: attrs ?? 0n,
        supportedXfam: xfam ?? 0n,
        ...(attrsFixed1 === undefined ? {} : { attrsFixed1 }),
        ...(xfamFixed1 === undefined ? {} : { xfamFixed1 }),
        ...(gpaw === undefined ? {} : { supportedGpaw: gpaw }),
        cpuid,
      },
    };
  },
};
