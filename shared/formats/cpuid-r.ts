// Todd Allen's `cpuid -r` / `cpuid -1 -r` raw dump (input-formats.md §1a), as printed and
// as engineers paste it: re-indented, quoted with `> `, soft-wrapped after any register,
// CRLF, tabs, upper/lower case hex, missing leading zeros, sub-leaf with 2+ hex digits.
// The tool prints `"   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x"` under a
// `CPU N:` (all CPUs) or `CPU:` (`-1`) header. Its decoded output (no `-r`) is refused with a
// message saying so: labels change between tool versions and not every bit is printed.

import { finishDump } from '../model/build-dump';
import { CpuidTableBuilder } from '../model/cpuid-table';
import type { CpuRecord, CpuidDump, ValueKind } from '../model/dump';
import { FormatError, shorten } from '../model/errors';
import type { ParseWarning } from '../model/errors';
import { CpuIdAllocator, LineCursor, headLines, hexDigit, nothingFound } from './cpuid-text';
import type { Detection, InputFormat } from './types';

const FORMAT = 'cpuid-r';
const EXAMPLE = "a register line like '   0x00000001 0x00: eax=0x000806f8 ebx=0x00800800 ecx=0x7ffefbff edx=0xbfebfbff'";
const REG_NAMES = ['eax', 'ebx', 'ecx', 'edx'] as const;

/** Lines that only the decoded (default) output of etallen `cpuid` prints. */
const DECODED_MARKERS = [
  /^vendor_id = "/,
  /^version information \(1\/eax\):/,
  /^feature information \(1\/edx\):/,
  /^\(family synth\)\s*=/,
  /^\(simple synth\)\s*=/,
  /^miscellaneous \(1\/ebx\):/,
];

function isDecodedLine(trimmed: string): boolean {
  return DECODED_MARKERS.some((re) => re.test(trimmed));
}

// A register line, or its first part when a paste wrapped it right after the colon.
const RECORD_HEAD = /^(?:0x)?[0-9a-f]{1,8}\s+(?:0x)?[0-9a-f]{1,8}\s*:\s*(?:eax\s*=|$)/i;
const CPU_HEADER = /^CPU(?:\s+\d+)?\s*:\s*$/;

/** First characters a RECORD_HEAD line can start with ([0-9a-fA-F]) and a DECODED_MARKERS line ("v", "f", "(", "m"). */
const HEX_START = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF') HEX_START[ch.charCodeAt(0)] = 1;
const DECODED_START = new Uint8Array(128);
for (const ch of 'vf(m') DECODED_START[ch.charCodeAt(0)] = 1;

export function detectCpuidR(text: string): Detection | null {
  const lines = headLines(text);
  let records = 0;
  let headers = 0;
  let decoded = 0;
  let kvmTable = false;
  for (const l of lines) {
    // Each pattern runs only where its first character can match (the same answers, fewer
    // regex runs: every file of a bundle goes through here).
    const c = l.charCodeAt(0);
    if (HEX_START[c] === 1 && RECORD_HEAD.test(l)) records++;
    else if (c === 67 /* C */ && CPU_HEADER.test(l)) headers++;
    else if (DECODED_START[c] === 1 && isDecodedLine(l)) decoded++;
    else if (c === 75 /* K */ && l.startsWith('KVM CPUID Entries:')) kvmTable = true;
  }
  if (records > 0 && kvmTable) {
    // The ad-hoc KVM_GET_SUPPORTED_CPUID rendering uses the same line shape; it is not a
    // CPU's CPUID (input-formats.md §13) and belongs to the KVM capture reader.
    return { confidence: 0.1, reason: `'KVM CPUID Entries:' table in cpuid -r line format (${records} lines)` };
  }
  if (records > 0) {
    const conf = records >= 2 ? (headers > 0 ? 0.95 : 0.85) : 0.6;
    return { confidence: conf, reason: `etallen cpuid -r raw dump: ${records}${lines.length >= 400 ? '+' : ''} register lines${headers ? `, ${headers}${lines.length >= 400 ? '+' : ''} CPU headers` : ''}` };
  }
  if (decoded >= 2) return { confidence: 0.6, reason: 'etallen cpuid decoded output (not raw; needs cpuid -r)' };
  return null;
}

interface Block {
  wanted: number | null;
  label: string | undefined;
  line: number;
  builder: CpuidTableBuilder;
}

/** The state of a register line that may continue on the next line (soft wrap). */
interface Pending {
  line: number;
  text: string;
  /** 0 leaf, 1 sub-leaf, 2 colon, 3..6 eax..edx: the next token expected. */
  step: number;
  leaf: number;
  subleaf: number;
  regs: [number, number, number, number];
}

export interface CpuidROptions {
  /** What the registers mean (a converted mask stays a mask). Default `values`. */
  readonly valueKind?: ValueKind;
  /** Keep out-of-range probe rows instead of dropping them. */
  readonly keepProbeRows?: boolean;
}

/**
 * Continues parsing a register line at `c.pos`. Returns the step reached (7 = complete).
 * Throws FormatError on a malformed token.
 */
function scanRecord(c: LineCursor, p: Pending, file: string): number {
  while (p.step < 7) {
    c.skipBlanks();
    if (c.atEnd()) return p.step;
    if (p.step <= 1) {
      const v = c.hex(true);
      if (v < 0) throw c.error(file, p.step === 0 ? 'a leaf number (hex)' : 'a sub-leaf number (hex) after the leaf', FORMAT);
      if (p.step === 0) p.leaf = v;
      else p.subleaf = v;
      const next = c.peek();
      if (next !== -1 && next !== 58 /* : */ && hexDigit(next) < 0 && next !== 32 && next !== 9) {
        throw c.error(file, `${p.step === 0 ? 'a leaf' : 'a sub-leaf'} in hex followed by ${p.step === 0 ? 'a space' : "':'"}`, FORMAT);
      }
      p.step++;
    } else if (p.step === 2) {
      if (!c.eatChar(58)) throw c.error(file, `':' after the sub-leaf (${EXAMPLE})`, FORMAT);
      p.step++;
    } else {
      const r = p.step - 3;
      const name = REG_NAMES[r]!;
      if (!c.eatCI(name)) throw c.error(file, `'${name}=' (${EXAMPLE})`, FORMAT);
      c.skipBlanks();
      if (!c.eatChar(61 /* = */)) throw c.error(file, `'=' after '${name}'`, FORMAT);
      c.skipBlanks();
      const v = c.hex(true);
      if (v < 0) throw c.error(file, `a 32-bit hex value after '${name}=' (at most 8 significant digits)`, FORMAT);
      const after = c.peek();
      if (after !== -1 && after !== 32 && after !== 9 && after !== 13) throw c.error(file, `a space or the end of the line after the ${name} value`, FORMAT);
      p.regs[r] = v;
      p.step++;
    }
  }
  c.skipBlanks();
  if (!c.atEnd()) throw c.error(file, 'the end of the line after the edx value', FORMAT);
  return 7;
}

/** True if the line (at `c.pos`, indentation skipped) starts a register line. */
function startsRecord(c: LineCursor): boolean {
  const t = c.text;
  const p = c.pos;
  if (c.end - p >= 3 && t.charCodeAt(p) === 48 && (t.charCodeAt(p + 1) | 0x20) === 120 && hexDigit(t.charCodeAt(p + 2)) >= 0) return true;
  // Without `0x`: eight hex digits and a blank, as when a tool strips the prefix.
  if (c.end - p < 9) return false;
  for (let i = 0; i < 8; i++) if (hexDigit(t.charCodeAt(p + i)) < 0) return false;
  const n = t.charCodeAt(p + 8);
  return n === 32 || n === 9;
}

/** `CPU N:` or `CPU:`; returns the number, null for `CPU:`, undefined if not a header. */
function cpuHeader(c: LineCursor): number | null | undefined {
  const save = c.pos;
  if (!c.eat('CPU')) return undefined;
  c.skipBlanks();
  const n = c.dec();
  c.skipBlanks();
  if (c.eatChar(58)) {
    c.skipBlanks();
    if (c.atEnd()) return n < 0 ? null : n;
  }
  c.pos = save;
  return undefined;
}

function startsRegisterAssignment(c: LineCursor): boolean {
  const t = c.text;
  const p = c.pos;
  if (c.end - p < 4) return false;
  const e = t.charCodeAt(p) | 0x20;
  const m = t.charCodeAt(p + 1) | 0x20;
  const x = t.charCodeAt(p + 2) | 0x20;
  return e === 101 && m >= 97 && m <= 100 && x === 120 && (t.charCodeAt(p + 3) === 61 || t.charCodeAt(p + 3) === 32);
}

export function parseCpuidR(text: string, name: string, options: CpuidROptions = {}): CpuidDump {
  const c = new LineCursor(text);
  const blocks: Block[] = [];
  const warnings: ParseWarning[] = [];
  let skipped = 0;
  let current: Block | null = null;
  let pending: Pending | null = null;
  let records = 0;

  const finishRecord = (p: Pending): void => {
    if (!current) {
      current = { wanted: null, label: undefined, line: p.line, builder: new CpuidTableBuilder() };
      blocks.push(current);
    }
    current.builder.addValues(p.leaf, p.subleaf, p.regs[0], p.regs[1], p.regs[2], p.regs[3]);
    records++;
  };

  while (c.nextLine()) {
    c.skipIndent();
    if (pending) {
      if (c.atEnd()) throw c.error(name, `the rest of the register line begun on line ${pending.line} (it stops before ${stepName(pending.step)})`, FORMAT, '(blank line)');
      const contStart = c.pos;
      const expectsReg = pending.step >= 3;
      if (expectsReg ? !startsRegisterAssignment(c) : pending.step === 2 ? c.peek() !== 58 : !startsValue(c)) {
        c.pos = contStart;
        throw c.error(name, `the rest of the register line begun on line ${pending.line} (${stepName(pending.step)} next)`, FORMAT);
      }
      if (scanRecord(c, pending, name) === 7) {
        finishRecord(pending);
        pending = null;
      }
      continue;
    }
    if (c.atEnd()) continue;
    const header = cpuHeader(c);
    if (header !== undefined) {
      current = { wanted: header, label: c.line().trim(), line: c.no, builder: new CpuidTableBuilder() };
      blocks.push(current);
      continue;
    }
    if (startsRecord(c)) {
      const p: Pending = { line: c.no, text: shorten(c.line().slice(0, 400).trim()), step: 0, leaf: 0, subleaf: 0, regs: [0, 0, 0, 0] };
      if (scanRecord(c, p, name) === 7) finishRecord(p);
      else pending = p;
      continue;
    }
    if (startsRegisterAssignment(c)) throw c.error(name, `${EXAMPLE}; a register without its leaf and sub-leaf`, FORMAT);
    const trimmed = c.text.slice(c.pos, Math.min(c.end, c.pos + 400)).trim();
    if (isDecodedLine(trimmed)) {
      throw c.error(
        name,
        'raw register lines: this is the decoded output of etallen `cpuid` (without -r), which does not carry every register bit; capture `cpuid -r` (or `cpuid -1 -r`) instead',
        FORMAT,
      );
    }
    // Text around a pasted dump (prompt, prose, the KVM table title): skipped, but said.
    skipped++;
    if (skipped <= 20) warnings.push({ line: c.no, message: `skipped a line that is not part of a cpuid -r dump: ${JSON.stringify(trimmed.slice(0, 60))}` });
  }
  if (pending) {
    const p: Pending = pending;
    throw new FormatError(name, p.line, `the rest of this register line (the text ends before ${stepName(p.step)})`, p.text, FORMAT);
  }
  if (skipped > 20) warnings.push({ line: 0, message: `${skipped - 20} more lines skipped` });
  if (records === 0) throw nothingFound(name, text, `an etallen cpuid -r dump (${EXAMPLE})`, FORMAT);

  const ids = new CpuIdAllocator();
  const cpus: CpuRecord[] = [];
  for (const b of blocks) {
    if (b.builder.count === 0) {
      warnings.push({ line: b.line, message: `CPU header ${JSON.stringify(b.label ?? '')} has no register lines; left out` });
      continue;
    }
    const { id, renumbered } = ids.take(b.wanted);
    if (renumbered) warnings.push({ line: b.line, message: `CPU ${b.wanted} appears twice; the second block is numbered ${id}` });
    cpus.push({ id, table: b.builder.build(), ...(b.label !== undefined ? { label: b.label } : {}) });
  }
  return finishDump({
    format: FORMAT,
    name,
    valueKind: options.valueKind ?? 'values',
    cpus,
    warnings,
    ...(options.keepProbeRows ? { keepProbeRows: true } : {}),
  });
}

function startsValue(c: LineCursor): boolean {
  const t = c.text;
  const p = c.pos;
  if (p >= c.end) return false;
  return hexDigit(t.charCodeAt(p)) >= 0;
}

function stepName(step: number): string {
  if (step <= 1) return 'the sub-leaf';
  if (step === 2) return "the ':'";
  return `'${REG_NAMES[step - 3]}='`;
}

export const cpuidRFormat: InputFormat<CpuidDump> = {
  id: FORMAT,
  title: 'etallen cpuid -r raw dump',
  role: 'host',
  detect: (text) => {
    try {
      return detectCpuidR(text);
    } catch {
      return null;
    }
  },
  parse: (text, name) => parseCpuidR(text, name),
};
