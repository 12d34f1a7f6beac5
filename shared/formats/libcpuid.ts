// libcpuid `cpuid_tool --save=FILE` raw dumps and the `tests/**/*.test` files built from them
// (input-formats.md §3; anrieff/libcpuid, BSD-2-Clause). A dump is one block per logical CPU
// (`_________________ Logical CPU #N _________________`; old dumps: one CPU, no header,
// optional `version=` line) of `NAME[i]=eax ebx ecx edx` lines. A `.test` file adds a line of
// 80 dashes and the expected decode results, which are not CPUID data: reading stops there.
//
// The arrays are fixed-size: libcpuid's cpuid_get_raw_data_core() runs CPUID for basic leaves
// 0..31 and extended leaves 0x80000000..0x8000001F whatever the maximum leaf is, and a fixed
// number of sub-leaves for leaves 4, 0xB, 0x12, 0x14, 0x8000001D and 0x80000026 (ECX = index).
// All-zero rows past the maximum leaf, and trailing all-zero sub-leaf rows, are padding.
// `.test` files that wrap an AIDA64 dump instead are handed to the AIDA64 reader.

import { finishDump } from '../model/build-dump';
import { CpuidTableBuilder } from '../model/cpuid-table';
import type { CpuRecord, CpuidDump } from '../model/dump';
import type { ParseWarning } from '../model/errors';
import { detectAida64, parseAida64 } from './aida64';
import { CpuIdAllocator, LineCursor, headLines, nothingFound } from './cpuid-text';
import type { Detection, InputFormat } from './types';

const FORMAT = 'libcpuid';
const EXAMPLE = "a line like 'basic_cpuid[1]=000806f8 00800800 7ffefbff bfebfbff'";

/** Array name -> how its index maps to (leaf, sub-leaf). */
const ARRAYS: Readonly<Record<string, { readonly leaf: number | null; readonly base?: number }>> = {
  basic_cpuid: { leaf: null, base: 0 },
  ext_cpuid: { leaf: null, base: 0x80000000 },
  intel_fn4: { leaf: 0x4 },
  intel_fn11: { leaf: 0xb },
  intel_fn12h: { leaf: 0x12 },
  intel_fn14h: { leaf: 0x14 },
  amd_fn8000001dh: { leaf: 0x8000001d },
  amd_fn80000026h: { leaf: 0x80000026 },
};

const ROW = /^([a-z_0-9]+)\[(\d+)\]\s*=\s*(.*)$/;
const CPU_HEADER = /^_{3,}\s*Logical CPU #\s*(\d+)\s*_{3,}\s*$/;
const DETECT_ROW = /^(?:basic_cpuid|ext_cpuid|intel_fn(?:4|11|12h|14h)|amd_fn(?:8000001dh|80000026h))\[\d+\]=/;

export function detectLibcpuid(text: string): Detection | null {
  const lines = headLines(text);
  let rows = 0;
  let headers = 0;
  for (const l of lines) {
    if (DETECT_ROW.test(l)) rows++;
    else if (CPU_HEADER.test(l)) headers++;
  }
  if (rows === 0) return null;
  return {
    confidence: rows >= 2 ? 0.95 : 0.6,
    reason: `libcpuid raw dump: ${rows}${lines.length >= 400 ? '+' : ''} register rows${headers ? `, ${headers}${lines.length >= 400 ? '+' : ''} CPU headers` : ''}`,
  };
}

interface Row {
  readonly line: number;
  readonly regs: readonly [number, number, number, number];
}

interface Block {
  wanted: number | null;
  label: string | undefined;
  line: number;
  /** Array name -> index -> row. */
  arrays: Map<string, Map<number, Row>>;
}

function isZero(r: Row): boolean {
  return r.regs[0] === 0 && r.regs[1] === 0 && r.regs[2] === 0 && r.regs[3] === 0;
}

/** Parses `eax ebx ecx edx` (hex, no 0x) or returns null. */
function parseRegs(s: string): [number, number, number, number] | null {
  const parts = s.trim().split(/\s+/);
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    const t = p.startsWith('0x') || p.startsWith('0X') ? p.slice(2) : p;
    if (!/^[0-9a-fA-F]{1,8}$/.test(t)) return null;
    out.push(parseInt(t, 16) >>> 0);
  }
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

export function parseLibcpuid(text: string, name: string): CpuidDump {
  const c = new LineCursor(text);
  const blocks: Block[] = [];
  const warnings: ParseWarning[] = [];
  const annotations: Record<string, string> = {};
  let current: Block | null = null;
  let rows = 0;
  let otherLines = 0;
  while (c.nextLine()) {
    c.skipIndent();
    if (c.atEnd()) continue;
    const line = c.rest().trimEnd();
    if (/^-{40,}$/.test(line)) {
      if (rows > 0 || blocks.length > 0) {
        annotations['trailer'] = `libcpuid .test expected results after line ${c.no - 1} ignored`;
        break;
      }
      continue;
    }
    const header = CPU_HEADER.exec(line);
    if (header) {
      current = { wanted: Number(header[1]), label: line.replace(/_+/g, ' ').trim(), line: c.no, arrays: new Map() };
      blocks.push(current);
      continue;
    }
    if (line.startsWith('version=')) {
      annotations['libcpuidVersion'] = line.slice('version='.length).trim();
      continue;
    }
    const m = ROW.exec(line);
    if (!m) {
      otherLines++;
      if (otherLines <= 20) warnings.push({ line: c.no, message: `skipped a line that is not a libcpuid register row: ${JSON.stringify(line.slice(0, 60))}` });
      continue;
    }
    const arrayName = m[1]!;
    if (!Object.hasOwn(ARRAYS, arrayName)) {
      // A newer libcpuid may add arrays; their leaves are unknown here, so say so and go on.
      warnings.push({ line: c.no, message: `unknown libcpuid array '${arrayName}' skipped` });
      continue;
    }
    const index = Number(m[2]);
    const regs = parseRegs(m[3]!);
    if (!regs) throw c.error(name, `four 32-bit hex values after '${arrayName}[${index}]=' (${EXAMPLE})`, FORMAT);
    if (!current) {
      current = { wanted: null, label: undefined, line: c.no, arrays: new Map() };
      blocks.push(current);
    }
    let arr = current.arrays.get(arrayName);
    if (!arr) current.arrays.set(arrayName, (arr = new Map()));
    arr.set(index, { line: c.no, regs });
    rows++;
  }
  if (otherLines > 20) warnings.push({ line: 0, message: `${otherLines - 20} more lines skipped` });

  if (rows === 0) {
    // A `.test` file around an AIDA64 dump (libcpuid's reader accepts both).
    if (detectAida64(text)) {
      const dump = parseAida64(text, name);
      return Object.freeze({ ...dump, annotations: { ...dump.annotations, wrapper: 'libcpuid .test file holding an AIDA64 dump' } });
    }
    throw nothingFound(name, text, `a libcpuid raw dump (${EXAMPLE})`, FORMAT);
  }

  let padding = 0;
  const ids = new CpuIdAllocator();
  const cpus: CpuRecord[] = [];
  for (const b of blocks) {
    const builder = new CpuidTableBuilder();
    const basic = b.arrays.get('basic_cpuid');
    const ext = b.arrays.get('ext_cpuid');
    const maxBasic = basic?.get(0)?.regs[0];
    const maxExt = ext?.get(0)?.regs[0];
    // Leaves that a sub-leaf array covers: their basic/ext row is sub-leaf 0 again.
    const covered = new Set<number>();
    for (const [arrayName, spec] of Object.entries(ARRAYS)) {
      if (spec.leaf === null) continue;
      const arr = b.arrays.get(arrayName);
      if (!arr) continue;
      const indices = [...arr.keys()].sort((x, y) => x - y);
      let last = indices.length - 1;
      while (last >= 0 && isZero(arr.get(indices[last]!)!)) last--;
      padding += indices.length - 1 - last;
      if (last < 0) continue;
      covered.add(spec.leaf);
      for (let i = 0; i <= last; i++) {
        const row = arr.get(indices[i]!)!;
        builder.add({ leaf: spec.leaf, subleaf: indices[i]!, eax: row.regs[0], ebx: row.regs[1], ecx: row.regs[2], edx: row.regs[3] });
      }
    }
    for (const [arr, base, max] of [
      [basic, 0, maxBasic],
      [ext, 0x80000000, maxExt],
    ] as const) {
      if (!arr) continue;
      for (const index of [...arr.keys()].sort((x, y) => x - y)) {
        const leaf = (base + index) >>> 0;
        const row = arr.get(index)!;
        if (max !== undefined && leaf > max && isZero(row)) {
          padding++;
          continue;
        }
        if (covered.has(leaf)) continue;
        builder.add({ leaf, eax: row.regs[0], ebx: row.regs[1], ecx: row.regs[2], edx: row.regs[3] });
      }
    }
    if (builder.count === 0) {
      warnings.push({ line: b.line, message: `CPU block ${JSON.stringify(b.label ?? '')} has only padding rows; left out` });
      continue;
    }
    const { id, renumbered } = ids.take(b.wanted);
    if (renumbered) warnings.push({ line: b.line, message: `CPU ${b.wanted} appears twice; the second block is numbered ${id}` });
    cpus.push({ id, table: builder.build(), ...(b.label !== undefined ? { label: b.label } : {}) });
  }
  if (cpus.length === 0) throw nothingFound(name, text, `a libcpuid raw dump with at least one non-zero row (${EXAMPLE})`, FORMAT);
  if (padding > 0) annotations['padding'] = `${padding} all-zero rows of libcpuid's fixed-size arrays (past the maximum leaf or the last sub-leaf) left out`;
  return finishDump({ format: FORMAT, name, valueKind: 'values', cpus, annotations, warnings });
}

export const libcpuidFormat: InputFormat<CpuidDump> = {
  id: FORMAT,
  title: 'libcpuid cpuid_tool raw dump / .test file',
  role: 'host',
  detect: (text) => {
    try {
      return detectLibcpuid(text);
    } catch {
      return null;
    }
  },
  parse: parseLibcpuid,
};
