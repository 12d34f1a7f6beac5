// Linux `tools/arch/x86/kcpuid` raw output, `kcpuid -r` (input-formats.md §6; tool GPL-2.0,
// only its output format is read here). `Basic Leafs :` / `Extended Leafs :` headers over a
// `====` rule; `0x%08x: EAX=0x%08x, EBX=..., ECX=..., EDX=...` for a leaf without sub-leaves;
// `0x%08x: subleafs:` followed by ` %2d: EAX=...` lines (sub-leaf in DECIMAL). kcpuid leaves
// out all-zero leaves and sub-leaves, never reads hypervisor leaves, and runs on one CPU.
// Its decoded output (`kcpuid`, `kcpuid -d`: `CPU features:` then `CPUID_0x1_ECX[0x0]:`
// blocks) does not carry register values and is refused with a message saying so.

import { finishDump } from '../model/build-dump';
import { CpuidTableBuilder } from '../model/cpuid-table';
import type { CpuidDump } from '../model/dump';
import type { ParseWarning } from '../model/errors';
import { LineCursor, headLines, nothingFound } from './cpuid-text';
import type { Detection, InputFormat } from './types';

const FORMAT = 'kcpuid';
const EXAMPLE = "a line like '0x00000001: EAX=0x00b00f21, EBX=0x23fe0800, ECX=0xfed83203, EDX=0x178bfbff'";

const RANGE_HEADER = /^(\w+) Leafs\s*:\s*$/;
const RULE = /^=+$/;
const LEAF_LINE = /^0x([0-9a-f]{1,8})\s*:\s*(.*)$/i;
const SUB_LINE = /^(\d{1,10})\s*:\s*(EAX\s*=.*)$/i;
// Separators written as `(?:\s*,\s*|\s+)`, not `\s*,?\s*`: two adjacent `\s*` backtrack quadratically.
const REGS = /^EAX\s*=\s*(?:0x)?([0-9a-f]{1,8})(?:\s*,\s*|\s+)EBX\s*=\s*(?:0x)?([0-9a-f]{1,8})(?:\s*,\s*|\s+)ECX\s*=\s*(?:0x)?([0-9a-f]{1,8})(?:\s*,\s*|\s+)EDX\s*=\s*(?:0x)?([0-9a-f]{1,8})\s*$/i;
const FEATURE_BLOCK = /^CPUID_0x[0-9a-f]+_E[ABCD]X\[0x[0-9a-f]+\]:\s*$/i;

export function detectKcpuid(text: string): Detection | null {
  const lines = headLines(text);
  let headers = 0;
  let rows = 0;
  let featureBlocks = 0;
  let featuresTitle = false;
  for (const l of lines) {
    if (RANGE_HEADER.test(l)) headers++;
    else if (/^0x[0-9a-f]{8}: (?:EAX=|subleafs:)/i.test(l)) rows++;
    else if (FEATURE_BLOCK.test(l)) featureBlocks++;
    else if (l.startsWith('CPU features:')) featuresTitle = true;
  }
  if (rows > 0) return { confidence: headers > 0 ? 0.95 : 0.85, reason: `kcpuid -r output: ${rows}${lines.length >= 400 ? '+' : ''} leaf lines` };
  if (featuresTitle && featureBlocks > 0) return { confidence: 0.6, reason: 'kcpuid decoded output (not raw; needs kcpuid -r)' };
  return null;
}

function regsOf(s: string): [number, number, number, number] | null {
  const m = REGS.exec(s.trim());
  if (!m) return null;
  return [parseInt(m[1]!, 16) >>> 0, parseInt(m[2]!, 16) >>> 0, parseInt(m[3]!, 16) >>> 0, parseInt(m[4]!, 16) >>> 0];
}

export function parseKcpuid(text: string, name: string): CpuidDump {
  const c = new LineCursor(text);
  const builder = new CpuidTableBuilder();
  const warnings: ParseWarning[] = [];
  const annotations: Record<string, string> = {
    omitted: 'kcpuid -r leaves out all-zero leaves and sub-leaves and does not read hypervisor leaves (0x4000xxxx)',
  };
  let subleafLeaf: number | null = null;
  let lastSub = -1;
  let skipped = 0;
  while (c.nextLine()) {
    c.skipIndent();
    if (c.atEnd()) continue;
    const line = c.rest().trimEnd();
    if (RANGE_HEADER.test(line) || RULE.test(line)) {
      subleafLeaf = null;
      continue;
    }
    const leafLine = LEAF_LINE.exec(line);
    if (leafLine) {
      const leaf = parseInt(leafLine[1]!, 16) >>> 0;
      const rest = leafLine[2]!.trim();
      if (/^subleafs\s*:?$/i.test(rest)) {
        subleafLeaf = leaf;
        lastSub = -1;
        continue;
      }
      const regs = regsOf(rest);
      if (!regs) throw c.error(name, `${EXAMPLE}, or '0x00000007: subleafs:'`, FORMAT);
      subleafLeaf = null;
      builder.add({ leaf, eax: regs[0], ebx: regs[1], ecx: regs[2], edx: regs[3] });
      continue;
    }
    const subLine = SUB_LINE.exec(line);
    if (subLine) {
      const sub = Number(subLine[1]);
      const regs = regsOf(subLine[2]!);
      if (!regs || sub > 0xffffffff) throw c.error(name, "a sub-leaf line like ' 1: EAX=0x00000030, EBX=0x00000000, ECX=0x00000000, EDX=0x00000000'", FORMAT);
      if (subleafLeaf === null) {
        // kcpuid prints the `subleafs:` title only with sub-leaf 0; when that one is all
        // zero it is left out and the leaf's number is lost.
        warnings.push({ line: c.no, message: `sub-leaf ${sub} without a 'subleafs:' leaf line before it (kcpuid omits the title when sub-leaf 0 is all zero); skipped` });
        continue;
      }
      if (sub <= lastSub) {
        warnings.push({ line: c.no, message: `sub-leaf ${sub} of leaf 0x${subleafLeaf.toString(16)} is out of order; it may belong to a leaf whose title kcpuid left out` });
      }
      lastSub = sub;
      builder.add({ leaf: subleafLeaf, subleaf: sub, eax: regs[0], ebx: regs[1], ecx: regs[2], edx: regs[3] });
      continue;
    }
    if (line.startsWith('CPU features:') || FEATURE_BLOCK.test(line)) {
      if (builder.count > 0) {
        annotations['decoded'] = `decoded feature list from line ${c.no} on ignored`;
        break;
      }
      throw c.error(
        name,
        'raw register lines: this is the decoded output of kcpuid (kcpuid or kcpuid -d), which lists feature names, not register values; capture `kcpuid -r` instead',
        FORMAT,
      );
    }
    skipped++;
    if (skipped <= 20) warnings.push({ line: c.no, message: `skipped a line that is not part of kcpuid -r output: ${JSON.stringify(line.slice(0, 60))}` });
  }
  if (skipped > 20) warnings.push({ line: 0, message: `${skipped - 20} more lines skipped` });
  if (builder.count === 0) throw nothingFound(name, text, `kcpuid -r output (${EXAMPLE})`, FORMAT);
  return finishDump({ format: FORMAT, name, valueKind: 'values', cpus: [{ id: 0, table: builder.build() }], annotations, warnings });
}

export const kcpuidFormat: InputFormat<CpuidDump> = {
  id: FORMAT,
  title: 'Linux kcpuid -r raw output',
  role: 'host',
  detect: (text) => {
    try {
      return detectKcpuid(text);
    } catch {
      return null;
    }
  },
  parse: parseKcpuid,
};
