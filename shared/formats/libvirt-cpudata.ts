// libvirt cputestdata `cpudata` XML (libvirt tests/cputestdata, written by cpu-data.py;
// input-formats.md §10a/§10b). Host dumps: first line `<!-- <model name> -->`, then
// `<cpudata arch='x86'>` with one `<cpuid eax_in ecx_in eax ebx ecx edx/>` per `cpuid -1r` row
// and `<msr index edx eax/>` rows. The derived `-enabled.xml` / `-disabled.xml` files have the
// same grammar but hold bit masks: features QEMU `-cpu host` enabled (from
// query-cpu-model-expansion, mapped through cpu_map/x86_features.xml), or host features that
// QEMU/KVM did not enable (`cpu-data.py diff`). libvirt reads `ecx_in` and the registers as
// optional (default 0) and `eax_in` as required (src/cpu/cpu_x86.c, x86ParseCPUID).

import { CpuidTableBuilder } from '../model/cpuid-table';
import { finishDump } from '../model/build-dump';
import type { CpuidDump, ValueKind } from '../model/dump';
import { FormatError } from '../model/errors';
import type { ParseWarning } from '../model/errors';
import type { Reg } from '../model/address';
import { REGS } from '../model/address';
import type { XmlStartTag } from './libvirt-xml';
import { tokenizeXml } from './libvirt-xml';
import type { Detection, InputFormat } from './types';

const FORMAT_ID = 'libvirt-cpudata';
const MASK_COMMENT_RE = /^\s*Features\s+(enabled|disabled)\s+by\s+QEMU\s*$/i;

const MASK_MEANING = {
  enabled: 'features enabled by QEMU/KVM -cpu host (query-cpu-model-expansion of the host model)',
  disabled: 'host bits disabled by QEMU/KVM (set in the host CPUID, not enabled by QEMU -cpu host)',
} as const;

/**
 * cpu-data.py masks the APIC IDs so every dump looks as if taken on CPU 0
 * (libvirt tests/cputestdata/cpu-data.py, gather_cpuid_leaves: 1.EBX & 0x00ffffff,
 * 0xB sub-leaves 0 and 1 EDX & 0xffffff00); it runs `cpuid -1r`, so 0x1F.EDX is one CPU's only.
 */
const APIC_NOTE =
  'cpu-data.py set 1.EBX[31:24] (initial APIC ID) and 0xB.EDX[7:0] (x2APIC ID, sub-leaves 0 and 1) to 0 to pretend the dump ran on CPU 0; 0x1F.EDX is one CPU only. None of these is a real per-CPU value.';

/** Unsigned 32-bit number as libvirt writes it (`0x...`) or decimal; null otherwise. */
function parseU32(raw: string): number | null {
  const t = raw.trim();
  let v: number;
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^[0-9]{1,10}$/.test(t)) v = Number(t);
  else return null;
  return v <= 0xffffffff ? v : null;
}

function attrU32(tag: XmlStartTag, attr: string, name: string, fallback: number | undefined): number {
  const raw = tag.attrs.get(attr);
  if (raw === undefined) {
    if (fallback === undefined) throw new FormatError(name, tag.line, `attribute ${attr}='0x...' on <${tag.name}>`, undefined, FORMAT_ID);
    return fallback;
  }
  const v = parseU32(raw);
  if (v === null) throw new FormatError(name, tag.line, `${attr} as a 32-bit number such as '0x0000001f'`, `${attr}='${raw}'`, FORMAT_ID);
  return v;
}

/** Number of the last line (for errors at the end of the file). */
function lastLine(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) n++;
  }
  const c = text.charCodeAt(text.length - 1);
  return c === 0x0a || c === 0x0d ? n - 1 : n;
}

function parseCpudata(text: string, name: string): CpuidDump {
  const tokens = tokenizeXml(text, name, FORMAT_ID);
  const builder = new CpuidTableBuilder();
  const warnings: ParseWarning[] = [];
  const msrs: [number, string][] = [];
  const seenLeaves = new Map<string, number>();
  const stack: XmlStartTag[] = [];
  let comment: string | undefined;
  let root: XmlStartTag | undefined;
  let rootClosed = false;
  let leaf1Line: number | undefined;
  const missingRegs: { line: number; regs: Reg[] }[] = [];
  const ignored = new Set<string>();

  for (const tok of tokens) {
    if (tok.kind === 'comment') {
      if (!root && comment === undefined) comment = tok.text.trim();
      continue;
    }
    if (tok.kind === 'end') {
      const open = stack.pop();
      if (!open) throw new FormatError(name, tok.line, `no closing tag here (nothing is open)`, `</${tok.name}>`, FORMAT_ID);
      if (open.name !== tok.name) throw new FormatError(name, tok.line, `</${open.name}> closing <${open.name}> from line ${open.line}`, `</${tok.name}>`, FORMAT_ID);
      if (stack.length === 0) rootClosed = true;
      continue;
    }
    if (stack.length === 0) {
      if (root) throw new FormatError(name, tok.line, 'nothing after </cpudata> but comments', `<${tok.name}>`, FORMAT_ID);
      if (tok.name !== 'cpudata') throw new FormatError(name, tok.line, "the root element <cpudata arch='x86'> of libvirt cputestdata", `<${tok.name}>`, FORMAT_ID);
      const arch = tok.attrs.get('arch');
      if (arch !== undefined && arch !== 'x86') throw new FormatError(name, tok.line, "arch='x86' (only x86 cpudata holds CPUID)", `arch='${arch}'`, FORMAT_ID);
      root = tok;
      if (tok.selfClosing) rootClosed = true;
      else stack.push(tok);
      continue;
    }
    if (stack.length === 1 && tok.name === 'cpuid') {
      // `function` is how older libvirt cpu maps named the leaf.
      const leaf = attrU32(tok, tok.attrs.has('function') && !tok.attrs.has('eax_in') ? 'function' : 'eax_in', name, undefined);
      const subleaf = attrU32(tok, 'ecx_in', name, 0);
      const missing = REGS.filter((r) => !tok.attrs.has(r));
      if (missing.length > 0) missingRegs.push({ line: tok.line, regs: missing });
      const [eax, ebx, ecx, edx] = REGS.map((r) => attrU32(tok, r, name, 0));
      const key = `${leaf}:${subleaf}`;
      const before = seenLeaves.get(key);
      if (before !== undefined) warnings.push({ line: tok.line, message: `leaf 0x${leaf.toString(16)} sub-leaf ${subleaf} repeats line ${before}` });
      else seenLeaves.set(key, tok.line);
      if (leaf === 1) leaf1Line = tok.line;
      builder.add({ leaf, subleaf, eax: eax!, ebx: ebx!, ecx: ecx!, edx: edx! });
    } else if (stack.length === 1 && tok.name === 'msr') {
      const index = attrU32(tok, 'index', name, undefined);
      const eax = attrU32(tok, 'eax', name, 0);
      const edx = attrU32(tok, 'edx', name, 0);
      msrs.push([index, `0x${edx.toString(16).padStart(8, '0')}${eax.toString(16).padStart(8, '0')}`]);
    } else if (!ignored.has(tok.name)) {
      ignored.add(tok.name);
      warnings.push({ line: tok.line, message: `ignored <${tok.name}>: cpudata holds only <cpuid> and <msr> rows` });
    }
    if (!tok.selfClosing) stack.push(tok);
  }

  if (!root) {
    throw new FormatError(name, text.trim() === '' ? 0 : Math.max(1, lastLine(text)), "a libvirt cputestdata file: <cpudata arch='x86'> with <cpuid .../> rows", undefined, FORMAT_ID);
  }
  if (!rootClosed) {
    const open = stack[stack.length - 1]!;
    throw new FormatError(name, Math.max(1, lastLine(text)), `</${open.name}> closing <${open.name}> from line ${open.line}`, 'end of file', FORMAT_ID);
  }
  if (builder.count === 0) throw new FormatError(name, root.line, 'at least one <cpuid eax_in=... /> row in <cpudata>', undefined, FORMAT_ID);

  const maskSet = comment !== undefined ? (MASK_COMMENT_RE.exec(comment)?.[1]?.toLowerCase() as 'enabled' | 'disabled' | undefined) : undefined;
  const valueKind: ValueKind = maskSet ? 'mask' : 'values';
  const annotations: Record<string, string> = { arch: root.attrs.get('arch') ?? 'x86' };
  if (maskSet) {
    annotations['comment'] = comment!;
    annotations['maskSet'] = maskSet;
    annotations['maskMeaning'] = MASK_MEANING[maskSet];
  } else {
    if (comment) annotations['brand'] = comment;
    annotations['apicIdNote'] = APIC_NOTE;
    warnings.push({ line: leaf1Line ?? root.line, message: APIC_NOTE });
    for (const m of missingRegs) warnings.push({ line: m.line, message: `no ${m.regs.join(', ')} attribute: read as 0` });
  }
  for (const [index, value] of msrs.sort((a, b) => a[0] - b[0])) annotations[`msr.0x${index.toString(16)}`] = value;

  const table = builder.build();
  return finishDump({ format: FORMAT_ID, name, valueKind, cpus: [{ id: 0, table }], annotations, warnings });
}

function detectCpudata(text: string): Detection | null {
  const head = text.slice(0, 8192);
  if (!/<cpudata\b/.test(head)) return null;
  const mask = /<!--\s*Features\s+(enabled|disabled)\s+by\s+QEMU\s*-->/i.exec(head);
  if (/<cpuid\s[^>]*\b(?:eax_in|function)\s*=/.test(head)) {
    return mask
      ? { confidence: 0.95, reason: `libvirt cputestdata feature mask ('Features ${mask[1]} by QEMU')` }
      : { confidence: 0.95, reason: 'libvirt cputestdata cpudata XML (host CPUID of one CPU)' };
  }
  return { confidence: 0.5, reason: 'libvirt <cpudata> XML without <cpuid> rows in its first 8 KB' };
}

export const libvirtCpudataFormat: InputFormat<CpuidDump> = {
  id: FORMAT_ID,
  title: 'libvirt cputestdata cpudata XML',
  role: 'host',
  detect: detectCpudata,
  parse: parseCpudata,
};
