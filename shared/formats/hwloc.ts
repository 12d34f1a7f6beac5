// hwloc-gather-cpuid output (open-mpi/hwloc, utils/hwloc/hwloc-gather-cpuid.c; input-formats.md §4).
// One file per logical processor (PU), named `pu<OS index>`, in one folder with a summary file
// `hwloc-cpuid-info` (`Architecture: x86`). A `puN` file starts with `# mask e[abcd]x => e[abcd]x`
// and has one row per CPUID call: `MASK EAXIN EBXIN ECXIN EDXIN => EAX EBX ECX EDX`, lower-case hex
// without `0x` or leading zeros. MASK says which inputs were set (bit 0 EAX ... bit 3 EDX), so
// 1 = leaf only and 5 = leaf and sub-leaf. hwloc only dumps the leaves its topology code reads.

import { CpuidTableBuilder } from '../model/cpuid-table';
import { finishDump } from '../model/build-dump';
import type { CpuRecord, CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import type { ParseWarning } from '../model/errors';
import { parseHex32, splitLines, stripBom, unquote } from '../model/text';
import { topologyFromCpuid } from './cpuid-topology';
import type { Detection, InputFormat } from './types';

const FORMAT_ID = 'hwloc';
const HEADER_RE = /^#\s*mask\s+e\[abcd\]x\s*=>\s*e\[abcd\]x\s*$/i;
const HEADER_SEARCH_RE = /^[ \t>]*#\s*mask\s+e\[abcd\]x\s*=>\s*e\[abcd\]x/im;
/** hwloc-gather-cpuid prints this before the rows when it writes to stdout (`-c N -`). */
const GATHER_RE = /^Gathering CPUID of PU P#(\d+)/;
const HEX = '(?:0[xX])?[0-9a-fA-F]+';
const ROW_RE = new RegExp(`^(${HEX})\\s+(${HEX})\\s+(${HEX})\\s+(${HEX})\\s+(${HEX})\\s*=>\\s*(${HEX})\\s+(${HEX})\\s+(${HEX})\\s+(${HEX})$`);
const INFO_RE = /^([A-Za-z][A-Za-z0-9 _-]*?)\s*:\s*(.*)$/;
const ROW_EXPECTED = "a register row like '5 7 0 0 0 => 2 f3bfb7ef fb417ffe ffdd4432' (MASK EAXIN EBXIN ECXIN EDXIN => EAX EBX ECX EDX, hex)";
/** Only the four input registers exist; EAX (bit 0) is always an input. */
const MASK_EAX = 1;
const MASK_ECX = 4;

/** OS CPU index from a file name: `pu12`, `dir/pu12`, `Intel-...__pu12.txt`. */
export function hwlocCpuIdFromName(name: string): number | undefined {
  const m = /(?:^|[/\\_.-])pu(\d{1,6})(?:\.txt)?$/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

function isBlankFile(text: string): boolean {
  return text.trim() === '';
}

/** `hwloc-cpuid-info` alone: a dump without CPUs whose annotations `combine` keeps. */
function parseInfo(lines: readonly { no: number; key: string; value: string }[], name: string): CpuidDump {
  const annotations: Record<string, string> = {};
  const warnings: ParseWarning[] = [];
  for (const l of lines) annotations[l.key] = l.value;
  const arch = annotations['Architecture'];
  if (arch === undefined) {
    throw new FormatError(name, lines[0]!.no, "'Architecture: x86' (hwloc-cpuid-info) or hwloc-gather-cpuid register rows", `${lines[0]!.key}: ${lines[0]!.value}`, FORMAT_ID);
  }
  if (arch !== 'x86') warnings.push({ line: lines.find((l) => l.key === 'Architecture')!.no, message: `hwloc-cpuid-info names architecture '${arch}', not x86` });
  return finishDump({ format: FORMAT_ID, name, valueKind: 'values', cpus: [], annotations, warnings });
}

const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = HEX_DIGIT['0123456789ABCDEF'.charCodeAt(i)] = i;

/**
 * The row as hwloc-gather-cpuid writes it (`5 7 0 0 0 => 2 f3bfb7ef fb417ffe ffdd4432`: hex of
 * 1-8 digits without `0x`, single spaces or tabs) read by hand into `out` (MASK, 4 inputs,
 * 4 outputs). Any other shape returns false and goes through ROW_RE and its checks; on the
 * rows this accepts, both read the same numbers. A puN bundle has ~100 000 such rows.
 */
function scanCanonicalRow(t: string, from: number, end: number, out: number[]): boolean {
  let p = from;
  for (let f = 0; f < 9; f++) {
    if (f === 5) {
      // ` => `
      if (t.charCodeAt(p) !== 61 || t.charCodeAt(p + 1) !== 62) return false;
      p += 2;
      const c = t.charCodeAt(p);
      if (c !== 32 && c !== 9) return false;
      while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
    }
    const start = p;
    let v = 0;
    while (p < end) {
      const c = t.charCodeAt(p);
      const d = c < 128 ? HEX_DIGIT[c]! : -1;
      if (d < 0) break;
      v = v * 16 + d;
      p++;
    }
    if (p === start || p - start > 8) return false;
    out[f] = v;
    if (f === 8) return p === end;
    const c = t.charCodeAt(p);
    if (c !== 32 && c !== 9) return false;
    while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  }
  return false;
}

/** A hex digit (either case), by character code. */
function isHexCode(c: number): boolean {
  return c < 128 && HEX_DIGIT[c]! >= 0;
}

function parseHwloc(text: string, name: string): CpuidDump {
  const body = stripBom(text);
  const builder = new CpuidTableBuilder();
  const warnings: ParseWarning[] = [];
  const info: { no: number; key: string; value: string }[] = [];
  let sawHeader = false;
  let gatheredId: number | undefined;
  let rows = 0;

  const fields = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const readLine = (raw: string, no: number): void => {
    // unquote() only changes lines that start with a blank or '>'; spare the others its pattern.
    const c0 = raw.charCodeAt(0);
    const t = c0 === 62 || c0 === 32 || c0 === 0xa0 || c0 === 0xfeff || (c0 >= 9 && c0 <= 13) || c0 > 0x1000 ? unquote(raw).trim() : raw.trim();
    if (t === '') return;
    if (scanCanonicalRow(t, 0, t.length, fields)) {
      addRow(no, t);
      return;
    }
    if (t.startsWith('#')) {
      if (HEADER_RE.test(t)) sawHeader = true;
      return;
    }
    const gather = GATHER_RE.exec(t);
    if (gather) {
      gatheredId = Number(gather[1]);
      return;
    }
    const m = ROW_RE.exec(t);
    if (m) {
      // Other spellings of a row (0x prefixes, blanks around =>): the same numbers, then the same checks.
      for (let f = 0; f < 9; f++) {
        const x = parseHex32(m[f + 1]!);
        if (x === null) throw new FormatError(name, no, 'hex numbers of at most 32 bits', t, FORMAT_ID);
        fields[f] = x;
      }
      addRow(no, t);
      return;
    }
    const kv = INFO_RE.exec(t);
    if (kv && rows === 0 && !sawHeader) {
      info.push({ no, key: kv[1]!, value: kv[2]!.trim() });
      return;
    }
    throw new FormatError(name, no, ROW_EXPECTED, raw, FORMAT_ID);
  };
  /** The row just read into `fields` (either way); `row` is its text, for the error only. */
  const addRow = (no: number, row: string | (() => string)): void => {
    const [mask, eaxIn, , ecxIn, , eax, ebx, ecx, edx] = fields;
    if (mask! > 0xf || (mask! & MASK_EAX) === 0) {
      throw new FormatError(name, no, 'a MASK with bit 0 (EAX input) set and no bits above 3, such as 1 (leaf) or 5 (leaf and sub-leaf)', typeof row === 'function' ? row() : row, FORMAT_ID);
    }
    builder.addValues(eaxIn!, mask! & MASK_ECX ? ecxIn! : undefined, eax!, ebx!, ecx!, edx!);
    rows++;
  };

  if (body.includes('\r')) {
    for (const line of splitLines(body)) readLine(line.text, line.no);
  } else {
    // LF-only text (what hwloc writes; ~100 000 rows per bundle): a line that starts and ends
    // with a hex digit needs no unquote() or trim(), so the canonical scan reads it in place,
    // without a string per line. Every other line goes through readLine() as before.
    let no = 0;
    for (let p = 0; p < body.length; ) {
      let nl = body.indexOf('\n', p);
      if (nl < 0) nl = body.length;
      no++;
      if (nl > p && isHexCode(body.charCodeAt(p)) && isHexCode(body.charCodeAt(nl - 1)) && scanCanonicalRow(body, p, nl, fields)) {
        const start = p;
        const end = nl;
        addRow(no, () => body.slice(start, end));
      } else {
        readLine(body.slice(p, nl), no);
      }
      p = nl + 1;
    }
  }

  if (rows === 0) {
    if (info.length > 0) return parseInfo(info, name);
    const firstNonBlank = splitLines(body).find((l) => l.text.trim() !== '');
    throw new FormatError(name, isBlankFile(text) ? 0 : (firstNonBlank?.no ?? 1), ROW_EXPECTED, firstNonBlank?.text, FORMAT_ID);
  }
  if (!sawHeader) warnings.push({ line: 1, message: "no '# mask e[abcd]x => e[abcd]x' header line; read the rows anyway" });
  if (info.length > 0) warnings.push({ line: info[0]!.no, message: 'ignored key: value lines before the register rows' });

  const id = hwlocCpuIdFromName(name) ?? gatheredId ?? 0;
  const table = builder.build();
  const topology = topologyFromCpuid(table);
  const cpu: CpuRecord = { id, table, label: `PU P#${id}`, ...(topology ? { topology } : {}) };
  return finishDump({ format: FORMAT_ID, name, valueKind: 'values', cpus: [cpu], warnings });
}

/**
 * Merges the parsed files of one hwloc-gather-cpuid folder (its `puN` files and, if given,
 * `hwloc-cpuid-info`) into one dump, CPUs in OS index order.
 */
function combineHwloc(parts: readonly { readonly name: string; readonly parsed: CpuidDump }[], name: string): CpuidDump {
  const sorted = [...parts].sort((a, b) => {
    const ia = hwlocCpuIdFromName(a.name) ?? -1;
    const ib = hwlocCpuIdFromName(b.name) ?? -1;
    return ia - ib || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
  const cpus: CpuRecord[] = [];
  const owner = new Map<number, { name: string; dump: CpuidDump }>();
  const annotations: Record<string, string> = {};
  const warnings: ParseWarning[] = [];
  for (const part of sorted) {
    const d = part.parsed;
    if (d.format !== FORMAT_ID) throw new FormatError(part.name, 0, `an hwloc-gather-cpuid puN or hwloc-cpuid-info file (this is ${d.format})`, undefined, FORMAT_ID);
    for (const [k, v] of Object.entries(d.annotations)) if (!(k in annotations)) annotations[k] = v;
    for (const w of d.warnings) warnings.push({ line: w.line, message: `${part.name}: ${w.message}` });
    for (const cpu of d.cpus) {
      const other = owner.get(cpu.id);
      if (other !== undefined) throw new FormatError(part.name, 0, `one puN file per CPU (pu${cpu.id} is also ${other.name})`, undefined, FORMAT_ID);
      owner.set(cpu.id, { name: part.name, dump: d });
      cpus.push(cpu);
    }
  }
  if (cpus.length === 0) throw new FormatError(name, 0, 'at least one hwloc-gather-cpuid puN file', undefined, FORMAT_ID);
  cpus.sort((a, b) => a.id - b.id);
  const dump = finishDump({ format: FORMAT_ID, name, valueKind: 'values', cpus, annotations, warnings });
  // Each part already dropped its own probe rows; report the first CPU's, as finishDump does.
  const first = owner.get(cpus[0]!.id)!.dump;
  return first.probeEchoes.length > 0 ? Object.freeze({ ...dump, probeEchoes: first.probeEchoes }) : dump;
}

function detectHwloc(text: string): Detection | null {
  const head = text.slice(0, 4096);
  if (HEADER_SEARCH_RE.test(head)) return { confidence: 0.95, reason: "hwloc-gather-cpuid puN file ('# mask e[abcd]x => e[abcd]x' header)" };
  const lines = head.split(/\r\n|\r|\n/);
  if (text.length > head.length) lines.pop(); // the last line may be cut
  let rows = 0;
  let other = 0;
  const info: string[] = [];
  for (const raw of lines.slice(0, 40)) {
    const t = unquote(raw).trim();
    if (t === '' || t.startsWith('#')) continue;
    if (ROW_RE.test(t)) rows++;
    else {
      other++;
      const kv = INFO_RE.exec(t);
      if (kv) info.push(kv[1]!);
    }
  }
  if (rows >= 3 && rows >= 4 * other) return { confidence: 0.75, reason: `hwloc-gather-cpuid register rows ('MASK EAXIN EBXIN ECXIN EDXIN => EAX EBX ECX EDX'), ${rows} seen` };
  if (rows === 0 && other > 0 && other <= 4 && info.length === other && info.includes('Architecture') && text.length < 512) {
    return { confidence: 0.5, reason: 'hwloc-cpuid-info (architecture summary of an hwloc-gather-cpuid folder)' };
  }
  return null;
}

export const hwlocFormat: InputFormat<CpuidDump> = {
  id: FORMAT_ID,
  title: 'hwloc-gather-cpuid puN files',
  role: 'host',
  detect: detectHwloc,
  parse: parseHwloc,
  combine: combineHwloc,
};
