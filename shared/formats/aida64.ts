// AIDA64 "CPUID dump" text as collected by InstLatx64 (input-formats.md §2), in every header
// variant seen: `------[ CPUID Registers / Logical CPU #N ]------`, `------[ Logical CPU #N ]------`,
// `CPUID Registers (CPU #N):` (may count from 1), `CPU#n AffMask: 0x...[:...]`,
// `Group: 0x.. Affinity mask: 0x...`, etallen-style `CPU N:` hybrids, bare blocks separated by
// blank lines, and full AIDA64 reports (`------[ Versions ]------` ...). MSR sections and the
// other report sections are skipped; `allcpu:` lines and the `------[ All CPUs ]------` table
// give the topology. A libcpuid `.test` file wrapping such a dump ends at a line of dashes.
//
// Speed matters (the 906 KB, 112-CPU Emerald Rapids dump must parse in a few ms), so lines
// are scanned with charCodeAt; regular expressions run only on the few topology lines.

import { finishDump } from '../model/build-dump';
import { CpuidTableBuilder } from '../model/cpuid-table';
import type { CpuRecord, CpuTopology, CpuidDump } from '../model/dump';
import type { ParseWarning } from '../model/errors';
import { CpuIdAllocator, LineCursor, hexDigit, headLines, isBlank, NO_SUBLEAF, nothingFound, scanAidaLine, scanFourHex } from './cpuid-text';
import type { Detection, InputFormat } from './types';

const FORMAT = 'aida64';
const EXAMPLE = "a register line like 'CPUID 00000001: 000806F8-00800800-7FFEFBFF-BFEBFBFF'";

const CH_DASH = 45;
const REG_NAMES = ['EAX', 'EBX', 'ECX', 'EDX'] as const;
const CH_COLON = 58;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;

type HeaderStyle = 'section' | 'registers-cpu' | 'affmask' | 'group' | 'etallen' | 'bare';

interface Section {
  wanted: number | null;
  label: string | undefined;
  style: HeaderStyle;
  line: number;
  builder: CpuidTableBuilder;
  hasLeaf0: boolean;
  // Every field is set when the section is made (undefined until known), so that all
  // sections share one shape and the reader's hot loop is not deoptimised by new ones.
  /** From the `allcpu:` line. */
  package: number | undefined;
  core: number | undefined;
  thread: number | undefined;
  allcpuType: string | undefined;
  /** From the leaf 0x1A annotation (`[Core]`, `[Atom: Crestmont]`). */
  leaf1aType: string | undefined;
}

interface AllCpusRow {
  apicId: number;
  package: number;
  core: number;
  thread: number;
  coreType?: string;
}

const LOGICAL_CPU = /Logical CPU #\s*(\d+)/;
const ALLCPU = /^allcpu:\s*Package\s+(\d+)\s*\/\s*Core\s+(\d+)\s*\/\s*Thread\s+(\d+)\s*:\s*(.*)$/;
const ALLCPUS_ROW = /^CPU\s+(\d+)\s*:\s*APICID\s+(\d+)\s*\/\s*Package\s+(\d+)\s*\/\s*Core\s+(\d+)\s*\/\s*Thread\s+(\d+)\s*:\s*(.*)$/;
// (Never two `\s*` side by side in these patterns: that backtracks quadratically on long blank runs.)
const REGISTERS_CPU = /^CPUID Registers \(CPU #\s*(\d+)\)(?:\s*:)?\s*$/;
const AFFMASK = /^CPU#\s*(\d+)\s+AffMask:\s*0x[0-9a-f]+(?::[0-9a-f]+)*\s*$/i;
const GROUP = /^Group:\s*0x([0-9a-f]+)\s+Affinity mask:\s*0x([0-9a-f]+)\s*$/i;
const ETALLEN_HEADER = /^CPU\s+(\d+)\s*:\s*$/;
const CPUID_LINE_HEAD = /^CPUID\s+[0-9a-f]{1,8}(?:\s*:\s*|\s+)[0-9a-f]{1,8}[-\s]+[0-9a-f]{1,8}[-\s]+[0-9a-f]{1,8}[-\s]+[0-9a-f]{1,8}/i;

/** Status words of the topology lines; anything else there names a core type. */
const STATUS_WORDS = new Set(['Valid', 'Invalid', 'Virtual']);

/** `------[ Title ]------` -> `Title`; null for any other line. Scanned by hand (a lazy
 *  `.*?` between blanks backtracks badly on long hostile lines). */
function sectionTitle(line: string): string | null {
  const open = line.indexOf('[');
  const close = line.lastIndexOf(']');
  if (open < 3 || close < open) return null;
  for (let i = 0; i < open; i++) if (line.charCodeAt(i) !== CH_DASH) return null;
  const tail = line.slice(close + 1).trimEnd();
  if (tail.length < 3) return null;
  for (let i = 0; i < tail.length; i++) if (tail.charCodeAt(i) !== CH_DASH) return null;
  return line.slice(open + 1, close).trim();
}

function coreTypeOf(status: string): string | undefined {
  const parts = status
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !STATUS_WORDS.has(s));
  return parts.length ? parts.join(', ') : undefined;
}

export function detectAida64(text: string): Detection | null {
  const lines = headLines(text, 600);
  let cpuidLines = 0;
  let headers = 0;
  for (const l of lines) {
    if (CPUID_LINE_HEAD.test(l)) cpuidLines++;
    else if (l.startsWith('------[') || REGISTERS_CPU.test(l) || AFFMASK.test(l) || GROUP.test(l)) headers++;
  }
  if (cpuidLines === 0) return null;
  const conf = cpuidLines >= 2 ? (headers > 0 ? 0.95 : 0.9) : 0.6;
  return { confidence: conf, reason: `AIDA64 CPUID dump: ${cpuidLines}${lines.length >= 600 ? '+' : ''} 'CPUID' register lines in the first ${lines.length} lines` };
}

/** Mutable parse state, kept in one object so the hot loop stays monomorphic. */
class Aida64Reader {
  readonly sections: Section[] = [];
  readonly warnings: ParseWarning[] = [];
  readonly annotations: Record<string, string> = {};
  readonly allCpus = new Map<number, AllCpusRow>();
  private current: Section | null = null;
  /** 'cpuid': register lines expected; 'skip': MSR and other report sections; 'allcpus': topology table. */
  private mode: 'cpuid' | 'skip' | 'allcpus' = 'cpuid';
  private sawHeader = false;
  private blankSinceData = false;
  private lastLeaf = -1;
  private lastTagged = true;
  private ordinal = 0;
  private readonly inferredLeaves = new Set<number>();
  private groupIds = new Set<number>();
  private records = 0;
  private readonly c: LineCursor;
  private readonly regs = [0, 0, 0, 0];
  /** Output of the fast line scanner: leaf, EAX..EDX, sub-leaf, end offset. */
  private readonly fast = new Uint32Array(7);

  constructor(
    private readonly text: string,
    private readonly name: string,
  ) {
    this.c = new LineCursor(text);
  }

  run(): CpuidDump {
    const c = this.c;
    while (c.nextLine()) {
      c.skipIndent();
      if (c.atEnd()) {
        this.blankSinceData = true;
        continue;
      }
      const ch = c.text.charCodeAt(c.pos);
      if (ch === CH_DASH) {
        if (this.dashLine()) break;
      } else if (ch === 67 /* C */ || ch === 99 /* c */) {
        if (this.mode === 'cpuid') {
          const fast = this.fast;
          if (scanAidaLine(c.text, c.pos, c.end, fast)) {
            const regs = this.regs;
            regs[0] = fast[1]!;
            regs[1] = fast[2]!;
            regs[2] = fast[3]!;
            regs[3] = fast[4]!;
            const leaf = fast[0]!;
            const sub = fast[5]!;
            this.addRecord(leaf, sub === NO_SUBLEAF ? -1 : sub);
            if (leaf === 0x1a) {
              c.pos = fast[6]!;
              c.skipBlanks();
              if (c.peek() === CH_LBRACKET) this.leaf1aAnnotation();
            }
            continue;
          }
          if (c.eatCI('cpuid') && c.skipBlanks() > 0 && this.cpuidLine()) continue;
        }
        c.pos = c.start;
        c.skipIndent();
        this.otherCLine();
      } else if (ch === 71 /* G */) {
        this.groupLine();
      } else if (this.mode === 'cpuid') {
        if (ch === 97 /* a */ && c.eat('allcpu:')) this.allcpuLine();
      } else if (this.mode === 'skip' && this.sections.length === 0) {
        this.reportHeaderLine();
      }
    }
    return this.finish();
  }

  private newSection(wanted: number | null, label: string | undefined, style: HeaderStyle): Section {
    const s: Section = {
      wanted,
      label,
      style,
      line: this.c.no,
      builder: new CpuidTableBuilder(),
      hasLeaf0: false,
      package: undefined,
      core: undefined,
      thread: undefined,
      allcpuType: undefined,
      leaf1aType: undefined,
    };
    this.sections.push(s);
    this.current = s;
    this.lastLeaf = -1;
    this.blankSinceData = false;
    if (style !== 'bare') this.sawHeader = true;
    return s;
  }

  /**
   * At `pos` after `CPUID` and blanks. Returns false when the line is not a register line
   * (e.g. `CPUID Manufacturer:` in a report, `CPUID Registers (CPU #1):`).
   */
  private cpuidLine(): boolean {
    const c = this.c;
    const leafStart = c.pos;
    const leaf = c.hex();
    if (leaf < 0 && c.digits === 0) return false;
    const after = c.peek();
    if (after !== CH_COLON && !(after >= 0 && isBlank(after))) {
      if (hexDigit(after) < 0 && after !== -1) {
        // `CPUID CPU Name`, `CPUID Revision`: words, not a leaf.
        const word = c.text.charCodeAt(leafStart);
        if (!(word >= 48 && word <= 57)) return false;
      }
      throw c.error(this.name, `${EXAMPLE}: a leaf of 8 hex digits then ':'`, FORMAT);
    }
    if (leaf < 0) throw c.error(this.name, `${EXAMPLE}: the leaf has more than 8 hex digits`, FORMAT);
    c.skipBlanks();
    c.eatChar(CH_COLON);
    c.skipBlanks();
    const regs = this.regs;
    const after4 = scanFourHex(c.text, c.pos, c.end, regs);
    if (after4 >= 0 && (after4 === c.end || c.text.charCodeAt(after4) === 32 || c.text.charCodeAt(after4) === 9 || c.text.charCodeAt(after4) === 13)) c.pos = after4;
    else this.registersSlowly();
    // Annotations: `[SL nn]` (sub-leaf, hex) comes first when present; free text follows.
    c.skipBlanks();
    let subleaf = -1;
    if (c.eat('[SL')) {
      c.skipBlanks();
      const s = c.hex();
      c.skipBlanks();
      if (s < 0 || !c.eatChar(CH_RBRACKET)) throw c.error(this.name, "a sub-leaf tag like '[SL 0B]' (hex)", FORMAT);
      subleaf = s;
      c.skipBlanks();
    }
    this.addRecord(leaf, subleaf);
    if (leaf === 0x1a && !c.atEnd() && c.peek() === CH_LBRACKET) this.leaf1aAnnotation();
    return true;
  }

  /** Reads the four registers with checks at every step, to say exactly what is wrong. */
  private registersSlowly(): void {
    const c = this.c;
    const regs = this.regs;
    for (let r = 0; r < 4; r++) {
      if (r > 0) {
        const blanks = c.skipBlanks();
        if (!c.eatChar(CH_DASH) && blanks === 0) throw c.error(this.name, `${EXAMPLE}: '-' between the registers`, FORMAT);
        c.skipBlanks();
      }
      const v = c.hex();
      if (v < 0) throw c.error(this.name, `${EXAMPLE}: ${c.digits > 0 ? 'at most 8 hex digits' : 'a hex value'} for ${REG_NAMES[r]}`, FORMAT);
      const next = c.peek();
      if (next !== -1 && next !== CH_DASH && !isBlank(next)) throw c.error(this.name, `${EXAMPLE}: only hex digits in ${REG_NAMES[r]}`, FORMAT);
      regs[r] = v;
    }
  }

  private addRecord(leaf: number, tagged: number): void {
    let s = this.current;
    if (!s || (!this.sawHeader && ((this.blankSinceData && s.builder.count > 0) || (leaf === 0 && s.hasLeaf0)))) {
      // Bare blocks: a new CPU after blank lines, or when leaf 0 comes round again.
      s = this.newSection(null, undefined, 'bare');
    }
    this.blankSinceData = false;
    let subleaf: number | undefined;
    if (tagged >= 0) {
      subleaf = tagged;
      this.lastTagged = true;
    } else if (leaf === this.lastLeaf && !this.lastTagged) {
      // An untagged repeat of the previous line's leaf: older AIDA64 versions list the
      // sub-leaves in order without saying which; the position is all there is.
      subleaf = ++this.ordinal;
      if (!this.inferredLeaves.has(leaf)) {
        this.inferredLeaves.add(leaf);
        this.warnings.push({
          line: this.c.no,
          message: `leaf 0x${leaf.toString(16)} is repeated without [SL nn] tags: sub-leaves taken from the order of the lines (wrong if the tool skipped some)`,
        });
      }
    } else {
      this.ordinal = 0;
      this.lastTagged = false;
    }
    this.lastLeaf = leaf;
    if (leaf === 0) s.hasLeaf0 = true;
    const r = this.regs;
    s.builder.addValues(leaf, subleaf, r[0]!, r[1]!, r[2]!, r[3]!);
    this.records++;
  }

  private leaf1aAnnotation(): void {
    const s = this.current;
    if (!s) return;
    const rest = this.c.rest();
    const close = rest.indexOf(']');
    if (close < 0) return;
    const text = rest.slice(1, close).trim();
    if (text !== '' && text !== 'Unknown') s.leaf1aType = text;
  }

  /** Lines starting with `C`/`c` that are not register lines: CPU headers and the All CPUs table. */
  private otherCLine(): void {
    const c = this.c;
    const line = c.rest();
    if (this.mode === 'skip' && this.sections.length === 0) this.reportHeaderLine();
    if (this.mode === 'allcpus') {
      const m = ALLCPUS_ROW.exec(line);
      if (m) {
        const coreType = coreTypeOf(m[6]!);
        this.allCpus.set(Number(m[1]), {
          apicId: Number(m[2]),
          package: Number(m[3]),
          core: Number(m[4]),
          thread: Number(m[5]),
          ...(coreType ? { coreType } : {}),
        });
      }
      return;
    }
    if (line.startsWith('CPU#')) {
      const m = AFFMASK.exec(line);
      if (m) {
        this.mode = 'cpuid';
        this.newSection(Number(m[1]), line.trim(), 'affmask');
      }
      return;
    }
    if (line.startsWith('CPUID Registers (')) {
      const m = REGISTERS_CPU.exec(line);
      if (m) {
        this.mode = 'cpuid';
        this.newSection(Number(m[1]), line.trim(), 'registers-cpu');
      }
      return;
    }
    if (line.startsWith('CPU ') || line.startsWith('CPU\t')) {
      const m = ETALLEN_HEADER.exec(line);
      if (m) {
        this.mode = 'cpuid';
        this.newSection(Number(m[1]), line.trim(), 'etallen');
        return;
      }
      // `CPU   3: APICID ...` rows outside an `All CPUs` section (a partial paste).
      const row = ALLCPUS_ROW.exec(line);
      if (row) {
        const coreType = coreTypeOf(row[6]!);
        this.allCpus.set(Number(row[1]), { apicId: Number(row[2]), package: Number(row[3]), core: Number(row[4]), thread: Number(row[5]), ...(coreType ? { coreType } : {}) });
      }
    }
  }

  /** `------[ Title ]------` section headers, or a libcpuid `.test` separator. True = stop. */
  private dashLine(): boolean {
    const c = this.c;
    const line = c.rest();
    if (line.indexOf('[') < 0) {
      const trimmed = line.trim();
      if (trimmed.length >= 40 && /^-+$/.test(trimmed)) {
        // libcpuid `.test`: the dump ends at a line of 80 dashes; expected results follow.
        if (this.records > 0) {
          this.annotations['trailer'] = `text after line ${c.no - 1} (libcpuid .test expected results) ignored`;
          return true;
        }
        return false;
      }
    }
    const title = sectionTitle(line);
    if (title === null) return false;
    const cpu = LOGICAL_CPU.exec(title);
    if (title.startsWith('MSR')) this.mode = 'skip';
    else if (cpu) {
      this.mode = 'cpuid';
      this.newSection(Number(cpu[1]), title, 'section');
    } else if (title === 'All CPUs') this.mode = 'allcpus';
    else this.mode = 'skip';
    return false;
  }

  private allcpuLine(): void {
    const s = this.current;
    const m = ALLCPU.exec(`allcpu:${this.c.rest()}`.trim());
    if (!s || !m) return;
    s.package = Number(m[1]);
    s.core = Number(m[2]);
    s.thread = Number(m[3]);
    const t = coreTypeOf(m[4]!);
    if (t) s.allcpuType = t;
  }

  private groupLine(): void {
    const line = this.c.rest();
    if (!line.startsWith('Group:')) return;
    const m = GROUP.exec(line);
    if (!m) return;
    // Windows processor groups: group * 64 + the bit of a one-bit affinity mask is the CPU number.
    const group = parseInt(m[1]!, 16);
    const mask = m[2]!.replace(/^0+/, '');
    let wanted: number | null = null;
    if (mask.length > 0 && mask.length <= 16) {
      const big = BigInt(`0x${mask}`);
      if ((big & (big - 1n)) === 0n) {
        const id = group * 64 + big.toString(2).length - 1;
        if (!this.groupIds.has(id)) wanted = id;
      }
    }
    if (wanted !== null) this.groupIds.add(wanted);
    this.mode = 'cpuid';
    this.newSection(wanted, line.trim(), 'group');
  }

  /** Facts from the `Versions` / `CPU Info` sections of a full report. */
  private reportHeaderLine(): void {
    const line = this.c.rest();
    const colon = line.indexOf(':');
    if (colon < 0) return;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'Program Version') this.annotations['tool'] = value;
    else if (key === 'CPU Type') this.annotations['cpuType'] = value;
    else if (key === 'CPU Alias') this.annotations['cpuAlias'] = value;
    else if (key === 'Motherboard Model') this.annotations['motherboard'] = value;
  }

  private finish(): CpuidDump {
    if (this.records === 0) throw nothingFound(this.name, this.text, `an AIDA64 CPUID dump (${EXAMPLE})`, FORMAT);
    const sections = this.sections.filter((s) => {
      if (s.builder.count > 0) return true;
      this.warnings.push({ line: s.line, message: `CPU section ${JSON.stringify(s.label ?? '')} has no register lines; left out` });
      return false;
    });
    // `CPUID Registers (CPU #N):` dumps may count from 1 (input-formats.md §2c); the
    // workbench numbers CPUs from 0 like the OS does.
    const rebase = sections.length > 0 && sections.every((s) => s.style === 'registers-cpu') && Math.min(...sections.map((s) => s.wanted ?? 0)) === 1 ? 1 : 0;
    if (rebase) this.annotations['numbering'] = 'CPU #1.. in the file, numbered from 0 here';
    const ids = new CpuIdAllocator();
    const cpus: CpuRecord[] = [];
    for (const s of sections) {
      const { id, renumbered } = ids.take(s.wanted === null ? null : s.wanted - rebase);
      if (renumbered) this.warnings.push({ line: s.line, message: `CPU ${s.wanted} appears twice; the second section is numbered ${id}` });
      const topology = this.topologyOf(s, s.wanted);
      cpus.push({
        id,
        table: s.builder.build(),
        ...(topology ? { topology } : {}),
        ...(s.label !== undefined ? { label: s.label } : {}),
      });
    }
    this.annotations['headers'] = describeStyles(sections);
    return finishDump({ format: FORMAT, name: this.name, valueKind: 'values', cpus, annotations: this.annotations, warnings: this.warnings });
  }

  private topologyOf(s: Section, fileNumber: number | null): CpuTopology | undefined {
    const row = fileNumber !== null && s.style === 'section' ? this.allCpus.get(fileNumber) : undefined;
    const coreType = s.leaf1aType ?? s.allcpuType ?? row?.coreType;
    const t: { -readonly [K in keyof CpuTopology]: CpuTopology[K] } = {};
    const pkg = s.package ?? row?.package;
    const core = s.core ?? row?.core;
    const thread = s.thread ?? row?.thread;
    if (pkg !== undefined) t.package = pkg;
    if (core !== undefined) t.core = core;
    if (thread !== undefined) t.thread = thread;
    if (row) t.apicId = row.apicId;
    if (coreType !== undefined) t.coreType = coreType;
    return Object.keys(t).length ? t : undefined;
  }
}

function describeStyles(sections: readonly Section[]): string {
  const names: Record<HeaderStyle, string> = {
    section: '------[ CPUID Registers / Logical CPU #N ]------',
    'registers-cpu': 'CPUID Registers (CPU #N):',
    affmask: 'CPU#N AffMask:',
    group: 'Group: Affinity mask:',
    etallen: 'CPU N:',
    bare: 'no headers (blocks separated by blank lines)',
  };
  return [...new Set(sections.map((s) => names[s.style]))].join('; ');
}

export function parseAida64(text: string, name: string): CpuidDump {
  return new Aida64Reader(text, name).run();
}

export const aida64Format: InputFormat<CpuidDump> = {
  id: FORMAT,
  title: 'AIDA64 / InstLatx64 CPUID dump',
  role: 'host',
  detect: (text) => {
    try {
      return detectAida64(text);
    } catch {
      return null;
    }
  },
  parse: parseAida64,
};
