// The decode report written straight to compact JSON, byte for byte what
// JSON.stringify(decodeReport(...)) gives, without building an object per feature: each
// leaf/sub-leaf's row prefixes (`{"leaf":7,"subleaf":0,"reg":"ebx","bit":16,"name":"avx512f","value":`)
// are made once and reused for every CPU and every dump. `decode --all-cpus --json` over a
// corpus of ~1700 CPUs is then string concatenation instead of a million short-lived objects.

import { bitMask, extractField } from '../../model/address';
import type { CpuidTable } from '../../model/cpuid-table';
import type { CpuidDump } from '../../model/dump';
import { layoutsOf } from '../bits/table';
import type { BitEntry } from '../bits/types';
import type { DecodeOptions } from './report';
import { DECODE_SCHEMA, decodeSource, findCpu, signaturesOf } from './report';
import { heterogeneousFields } from './heterogeneity';

const REG_NAMES = ['eax', 'ebx', 'ecx', 'edx'] as const;

interface RowTemplates {
  /** `{"leaf":L,"subleaf":S,"eax":` */
  readonly leafPrefix: string;
  /** Per register: the features and their row prefixes (up to `"value":`). */
  readonly features: readonly (readonly { readonly entry: BitEntry; readonly prefix: string }[])[];
  readonly fields: readonly (readonly { readonly entry: BitEntry; readonly prefix: string; readonly mask: number }[])[];
  /** Per register: the bits that are named features. */
  readonly featureMask: readonly number[];
}

const templates = new Map<number, Map<number, RowTemplates>>();

function templatesOf(leaf: number, subleaf: number | null): RowTemplates {
  let bySub = templates.get(leaf);
  if (!bySub) templates.set(leaf, (bySub = new Map()));
  const code = subleaf === null ? -1 : subleaf;
  const cached = bySub.get(code);
  if (cached) return cached;
  const head = `{"leaf":${leaf},"subleaf":${subleaf === null ? 'null' : subleaf}`;
  const layouts = layoutsOf(leaf, subleaf);
  const t: RowTemplates = {
    leafPrefix: `${head},"eax":`,
    features: layouts.map((lay, r) =>
      lay.features.map((entry) => ({ entry, prefix: `${head},"reg":"${REG_NAMES[r]}","bit":${entry.bits[0]},"name":${JSON.stringify(entry.displayName)},"value":` })),
    ),
    fields: layouts.map((lay, r) =>
      lay.fields.map((entry) => ({
        entry,
        prefix: `${head},"reg":"${REG_NAMES[r]}","bits":[${entry.bits[0]},${entry.bits[1]}],"name":${JSON.stringify(entry.displayName)},"value":`,
        mask: bitMask(entry.bits),
      })),
    ),
    featureMask: layouts.map((lay) => lay.features.reduce((m, f) => (m | (1 << f.bits[0])) >>> 0, 0)),
  };
  bySub.set(code, t);
  return t;
}

interface Parts {
  leaves: string[];
  features: string[];
  fields: string[];
}

function rows(table: CpuidTable, known: CpuidTable | undefined, withFields: boolean, withFeatures = true): Parts {
  const leaves: string[] = [];
  const features: string[] = [];
  const fields: string[] = [];
  const regs = table.regs;
  for (let i = 0; i < table.keys.length; i++) {
    const k = table.keys[i]!;
    const t = templatesOf(k.leaf, k.subleaf);
    const b = 4 * i;
    leaves.push(`${t.leafPrefix}${regs[b]},"ebx":${regs[b + 1]},"ecx":${regs[b + 2]},"edx":${regs[b + 3]}}`);
    if (!withFeatures && !withFields) continue;
    for (let r = 0; r < 4; r++) {
      const fs = withFeatures ? t.features[r]! : [];
      const fd = withFields ? t.fields[r]! : [];
      if (fs.length === 0 && fd.length === 0) continue;
      const v = regs[b + r]!;
      const knownMask = known ? (known.regOf(k.leaf, k.subleaf, REG_NAMES[r]!) ?? 0) : 0xffffffff;
      for (const f of fs) {
        const bit = f.entry.bits[0];
        features.push(`${f.prefix}${(knownMask >>> bit) & 1 ? (v >>> bit) & 1 : 'null'}}`);
      }
      for (const f of fd) fields.push(`${f.prefix}${((knownMask & f.mask) >>> 0) === f.mask ? extractField(v, f.entry.bits) : 'null'}}`);
    }
  }
  return { leaves, features, fields };
}

/** Receives the JSON text in pieces; a Uint8Array piece is UTF-8 (reused for identical CPUs). */
export type JsonSink = (chunk: string | Uint8Array) => void;

/**
 * Writes `JSON.stringify(decodeReport(dump, file, opts))` to `sink` in pieces (see the file
 * comment). With `encode` (a UTF-8 encoder), the features of a CPU equal to one already
 * written are handed out as the same bytes again, so a 112-CPU dump encodes them once or twice.
 */
export function writeDecodeReportJson(
  dump: CpuidDump,
  file: { readonly path: string; readonly sha256: string },
  opts: DecodeOptions,
  sink: JsonSink,
  encode?: (text: string) => Uint8Array,
): void {
  const chosen = opts.cpu === undefined ? dump.cpus[0] : findCpu(dump, opts.cpu);
  if (!chosen) throw new RangeError(opts.cpu === undefined ? 'the dump has no CPU' : `no CPU ${opts.cpu} in the dump`);
  const source = decodeSource(dump, file);
  const main = rows(chosen.table, chosen.known, true);
  sink(
    `{"schema":"${DECODE_SCHEMA}","source":${JSON.stringify(source)},"cpu":${chosen.id}` +
      `,"leaves":[${main.leaves.join(',')}],"features":[${main.features.join(',')}],"fields":[${main.fields.join(',')}]` +
      `,"heterogeneous":${JSON.stringify(heterogeneousFields(dump))},"valueKind":${JSON.stringify(dump.valueKind)}` +
      `,"signatures":${JSON.stringify(signaturesOf(chosen))}`,
  );
  if (opts.allCpus) {
    const cpus = [...dump.cpus].sort((a, b) => a.id - b.id);
    // CPUs of a dump mostly differ only in ID fields, not in feature bits: a CPU whose
    // feature registers equal those of one already written reuses that CPU's features text.
    const seen: { table: CpuidTable; known: CpuidTable | undefined; features: string | Uint8Array }[] = [];
    cpus.forEach((c, n) => {
      const p = c === chosen ? main : rows(c.table, c.known, false, false);
      let features: string | Uint8Array | undefined = seen.find((s) => sameFeatureBits(s.table, s.known, c.table, c.known))?.features;
      if (features === undefined) {
        const text = (c === chosen ? main : rows(c.table, c.known, false, true)).features.join(',');
        features = encode ? encode(text) : text;
        seen.unshift({ table: c.table, known: c.known, features });
        if (seen.length > 8) seen.pop();
      }
      sink(`${n === 0 ? ',"cpus":[' : ','}{"cpu":${c.id},"leaves":[${p.leaves.join(',')}],"features":[`);
      sink(features);
      sink(']}');
    });
    sink(']');
  }
  sink('}');
}

/** `JSON.stringify(decodeReport(dump, file, opts))`, made faster (see the file comment). */
export function decodeReportJson(dump: CpuidDump, file: { readonly path: string; readonly sha256: string }, opts: DecodeOptions = {}): string {
  const parts: string[] = [];
  writeDecodeReportJson(dump, file, opts, (chunk) => parts.push(chunk as string));
  return parts.join('');
}

function sameKeys(a: CpuidTable, b: CpuidTable): boolean {
  if (a.keys === b.keys) return true;
  if (a.keys.length !== b.keys.length) return false;
  for (let i = 0; i < a.keys.length; i++) if (a.keys[i]!.leaf !== b.keys[i]!.leaf || a.keys[i]!.subleaf !== b.keys[i]!.subleaf) return false;
  return true;
}

/** Same leaves, and the same values (and known bits) in every register that has named features. */
function sameFeatureBits(a: CpuidTable, ak: CpuidTable | undefined, b: CpuidTable, bk: CpuidTable | undefined): boolean {
  if (a === b && ak === bk) return true;
  if (!sameKeys(a, b) || !ak !== !bk || (ak && bk && !ak.equals(bk))) return false;
  for (let i = 0; i < a.keys.length; i++) {
    const t = templatesOf(a.keys[i]!.leaf, a.keys[i]!.subleaf);
    for (let r = 0; r < 4; r++) {
      const mask = t.featureMask[r]!;
      const j = 4 * i + r;
      if (((a.regs[j]! ^ b.regs[j]!) & mask) !== 0) return false;
    }
  }
  return true;
}
