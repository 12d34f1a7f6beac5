// Step 2 of the bit-name build: merges the source facts in ./sources (see PROVENANCE.md) with
// the hand-written descriptions in ./descriptions.tsv into the project's own data file
// shared/knowledge/bits/data/bits.json. Deterministic; re-run after editing any input:
//   node build/knowledge/bits/generate.mjs            (writes the data file)
//   node build/knowledge/bits/generate.mjs --missing  (lists entries that still lack a description)
// Fails when a description is missing, a description key names no entry, or a bit that the
// TDX module or QEMU TDX tables mention has no entry.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const root = resolve(here, '../../..');
const src = (f) => join(here, 'sources', f);
const OUT = join(root, 'shared/knowledge/bits/data/bits.json');
const listMissing = process.argv.includes('--missing');

// Which leaves take a sub-leaf: the model's own list (shared/model/leaf-kinds.ts), read from
// its source so the two can never disagree.
const leafKinds = readFileSync(join(root, 'shared/model/leaf-kinds.ts'), 'utf8');
const indexedBlock = /INDEXED_LEAVES[^=]*=\s*new Set\(\[([^\]]*)\]/.exec(leafKinds);
if (!indexedBlock) throw new Error('cannot find INDEXED_LEAVES in shared/model/leaf-kinds.ts');
const INDEXED = new Set(indexedBlock[1].split(',').map((s) => s.trim()).filter(Boolean).map((s) => Number(s)));

const REG_ORDER = { eax: 0, ebx: 1, ecx: 2, edx: 3 };
const hex = (n) => `0x${n.toString(16)}`;
const parseLeaf = (s) => (/^0x/i.test(s) ? parseInt(s, 16) : parseInt(s, 10));

function tsv(file) {
  const rows = [];
  let header = null;
  for (const line of readFileSync(src(file), 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const cells = line.split('\t');
    if (!header) header = cells;
    else rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

/** Sub-leaf as the model stores it: null for leaves without sub-leaves. */
function normSub(leaf, sub) {
  if (!INDEXED.has(leaf)) return null;
  if (sub === null || sub === undefined || sub === '-' || sub === '') return 0;
  return sub;
}

function subKey(sub) {
  if (sub === null) return '';
  if (Array.isArray(sub)) return `.${sub[0]}-${sub[1]}`;
  return `.${sub}`;
}

/** Description key: `0x7.0.ebx[16]`, `0x1.eax[7:4]`, `0x4.0-31.eax[4:0]`. */
function keyOf(e) {
  const [lo, hi] = e.bits;
  return `${hex(e.leaf)}${subKey(e.subleaf)}.${e.reg}[${lo === hi ? lo : `${hi}:${lo}`}]`;
}

function parseKey(k) {
  const m = /^(0x[0-9a-f]+)(?:\.(\d+)(?:-(\d+))?)?\.(eax|ebx|ecx|edx)\[(\d+)(?::(\d+))?\]$/.exec(k);
  if (!m) return null;
  const leaf = parseInt(m[1], 16);
  const subleaf = m[2] === undefined ? null : m[3] === undefined ? Number(m[2]) : [Number(m[2]), Number(m[3])];
  const hi = Number(m[5]);
  const lo = m[6] === undefined ? hi : Number(m[6]);
  return { leaf, subleaf, reg: m[4], bits: [lo, hi] };
}

const entries = new Map(); // keyOf -> entry
function entry(leaf, subleaf, reg, bits) {
  const e0 = { leaf, subleaf, reg, bits };
  const k = keyOf(e0);
  let e = entries.get(k);
  if (!e) {
    e = { ...e0, sources: new Set() };
    entries.set(k, e);
  }
  return e;
}

// --- kcpuid CSV (x86-cpuid-db short names) ------------------------------------------------
for (const line of readFileSync(src('kcpuid-cpuid.csv'), 'utf8').split('\n')) {
  if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
  const parts = line.split(',');
  const [leafS, subS, reg, bitsS, name] = parts.slice(0, 5).map((s) => s.trim());
  const leaf = parseLeaf(leafS);
  let sub;
  if (subS.includes(':')) {
    const [hi, lo] = subS.split(':').map(Number);
    sub = INDEXED.has(leaf) ? [lo, hi] : null;
  } else sub = normSub(leaf, Number(subS));
  const [hi, lo] = bitsS.includes(':') ? bitsS.split(':').map(Number) : [Number(bitsS), Number(bitsS)];
  const e = entry(leaf, sub, reg, [lo, hi]);
  e.kcpuid = name;
  e.sources.add('kcpuid');
}

// --- Linux cpufeatures.h words, scattered bits, KVM feature names ---------------------------
const words = new Map(tsv('linux-words.tsv').map((w) => [Number(w.word), w]));
/**
 * An exact-sub-leaf bit from Linux or QEMU. Where the x86-cpuid-db names the same bit for a
 * range of sub-leaves, the exact entry inherits that short name (the range entry stays for the
 * other sub-leaves; lookups prefer exact entries).
 */
function exactBit(leaf, subleaf, reg, bit) {
  const sub = normSub(leaf, subleaf);
  const k = keyOf({ leaf, subleaf: sub, reg, bits: [bit, bit] });
  const fresh = !entries.has(k);
  const e = entry(leaf, sub, reg, [bit, bit]);
  if (fresh && sub !== null) {
    for (const r of entries.values()) {
      if (r.leaf === leaf && r.reg === reg && Array.isArray(r.subleaf) && r.kcpuid && r.bits[0] === bit && r.bits[1] === bit &&
          sub >= r.subleaf[0] && sub <= r.subleaf[1]) {
        e.kcpuid = r.kcpuid;
        e.sources.add('kcpuid');
      }
    }
  }
  return e;
}
function linuxBit(leaf, subleaf, reg, bit, feature, proc) {
  const e = exactBit(leaf, subleaf, reg, bit);
  e.linux ??= feature;
  if (proc && proc !== '-') e.proc ??= proc;
  e.sources.add('linux');
}
for (const r of tsv('linux-cpufeatures.tsv')) {
  const w = words.get(Number(r.word));
  if (!w) continue;
  linuxBit(parseInt(w.leaf, 16), w.subleaf === '-' ? null : Number(w.subleaf), w.reg, Number(r.bit), r.feature, r.proc);
}
for (const r of tsv('linux-scattered.tsv')) {
  linuxBit(parseInt(r.leaf, 16), r.subleaf === '-' ? null : Number(r.subleaf), r.reg, Number(r.bit), r.feature, r.proc);
}
for (const r of tsv('kvm-feature-names.tsv')) {
  const leaf = parseInt(r.leaf, 16);
  if (leaf >= 0x40000000 && leaf < 0x50000000) continue; // KVM PV words use KVM_FEATURE_ names, not X86_FEATURE_
  linuxBit(leaf, r.subleaf === '-' ? null : Number(r.subleaf), r.reg, Number(r.bit), r.feature, '-');
}

// --- QEMU -cpu properties and aliases ------------------------------------------------------
const aliasesOf = new Map();
for (const a of tsv('qemu-aliases.tsv')) {
  const list = aliasesOf.get(a.property) ?? [];
  list.push(a.alias);
  aliasesOf.set(a.property, list);
}
for (const r of tsv('qemu-feat-names.tsv')) {
  const leaf = parseInt(r.leaf, 16);
  const e = exactBit(leaf, r.subleaf === '-' ? null : Number(r.subleaf), r.reg, Number(r.bit));
  e.qemu ??= r.name;
  e.sources.add('qemu');
}
for (const e of entries.values()) if (e.qemu && aliasesOf.has(e.qemu)) e.qemuAliases = [...aliasesOf.get(e.qemu)].sort();

// --- Hand-written descriptions, names and flags ---------------------------------------------
const described = new Map();
const leafDescriptions = new Map();
for (const line of readFileSync(join(here, 'descriptions.tsv'), 'utf8').split('\n')) {
  if (line.startsWith('#') || line.trim() === '') continue;
  const [key, flagsS, desc] = line.split('\t');
  if (desc === undefined || desc.trim() === '') throw new Error(`descriptions.tsv: no description for ${key}`);
  if (/^0x[0-9a-f]+$/.test(key)) {
    leafDescriptions.set(parseInt(key, 16), desc.trim());
    continue;
  }
  const flags = {};
  for (const f of (flagsS ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== '-')) {
    const [k, v] = f.split('=');
    flags[k] = v ?? true;
  }
  if (described.has(key)) throw new Error(`descriptions.tsv: ${key} twice`);
  described.set(key, { flags, desc: desc.trim() });
}
for (const [key, d] of described) {
  if (entries.has(key)) continue;
  const a = parseKey(key);
  if (!a || !d.flags.name) throw new Error(`descriptions.tsv: ${key} names no source entry (add name=... to define a new field)`);
  const e = entry(a.leaf, a.subleaf, a.reg, a.bits);
  e.sources.add('project');
}

// --- Coverage of the TDX module and QEMU TDX tables: every mentioned bit gets an entry -------
function covered(leaf, sub, reg, bit) {
  for (const e of entries.values()) {
    if (e.leaf !== leaf || e.reg !== reg || bit < e.bits[0] || bit > e.bits[1]) continue;
    if (e.subleaf === sub) return true;
    if (Array.isArray(e.subleaf) && sub !== null && sub >= e.subleaf[0] && sub <= e.subleaf[1]) return true;
  }
  return false;
}
const mentioned = new Map(); // leaf|sub|reg -> mask
const mention = (leaf, sub, reg, mask) => {
  const k = `${leaf}|${sub === null ? '-' : sub}|${reg}`;
  mentioned.set(k, ((mentioned.get(k) ?? 0) | mask) >>> 0);
};
for (const r of tsv('tdx-module-registers.tsv')) {
  const leaf = parseInt(r.leaf, 16);
  mention(leaf, normSub(leaf, r.subleaf === '-' ? null : Number(r.subleaf)), r.reg, parseInt(r.mask, 16));
}
for (const r of tsv('qemu-tdx-bits.tsv')) {
  const leaf = parseInt(r.leaf, 16);
  mention(leaf, normSub(leaf, r.subleaf === '-' ? null : Number(r.subleaf)), r.reg, (1 << Number(r.bit)) >>> 0);
}
let reservedRuns = 0;
for (const [k, mask] of [...mentioned].sort()) {
  const [leafS, subS, reg] = k.split('|');
  const leaf = Number(leafS);
  const sub = subS === '-' ? null : Number(subS);
  let runStart = -1;
  for (let b = 0; b <= 32; b++) {
    const open = b < 32 && (mask >>> b) & 1 && !covered(leaf, sub, reg, b);
    if (open && runStart < 0) runStart = b;
    if (!open && runStart >= 0) {
      const e = entry(leaf, sub, reg, [runStart, b - 1]);
      e.reserved = true;
      e.sources.add(mask ? 'tdx-module/qemu-tdx' : '');
      reservedRuns++;
      runStart = -1;
    }
  }
}

// --- Names, descriptions, output ------------------------------------------------------------
const missing = [];
const out = [];
const sorted = [...entries.values()].sort((a, b) => {
  const sa = a.subleaf === null ? -1 : Array.isArray(a.subleaf) ? a.subleaf[0] : a.subleaf;
  const sb = b.subleaf === null ? -1 : Array.isArray(b.subleaf) ? b.subleaf[0] : b.subleaf;
  return a.leaf - b.leaf || sa - sb || (Array.isArray(a.subleaf) ? 1 : 0) - (Array.isArray(b.subleaf) ? 1 : 0) ||
    REG_ORDER[a.reg] - REG_ORDER[b.reg] || a.bits[0] - b.bits[0] || a.bits[1] - b.bits[1];
});
for (const e of sorted) {
  const key = keyOf(e);
  const d = described.get(key);
  if (e.reserved) {
    out.push({ leaf: e.leaf, subleaf: e.subleaf, reg: e.reg, bits: e.bits, reserved: true, ...(d ? { desc: d.desc } : {}) });
    continue;
  }
  if (!d) {
    missing.push(`${key}\t${[e.kcpuid, e.proc, e.linux, e.qemu].map((x) => x ?? '-').join(' ')}`);
    continue;
  }
  const kcpuid = e.kcpuid?.trim();
  const name =
    d.flags.name ?? e.proc ?? kcpuid ?? (e.linux ? e.linux.toLowerCase() : undefined) ?? e.qemu?.replace(/[-.]/g, '_');
  const row = { leaf: e.leaf, subleaf: e.subleaf, reg: e.reg, bits: e.bits, name };
  if (kcpuid) row.kcpuid = kcpuid;
  if (e.proc) row.proc = e.proc;
  if (e.linux) row.linux = e.linux;
  if (e.qemu) row.qemu = e.qemu;
  if (e.qemuAliases) row.qemuAliases = e.qemuAliases;
  if (d.flags.alias) row.aliases = String(d.flags.alias).split('|');
  if (d.flags.id) row.identity = true;
  if (d.flags.vendor) row.vendor = d.flags.vendor;
  row.desc = d.desc;
  out.push(row);
}
if (listMissing) {
  process.stdout.write(`${missing.join('\n')}\n`);
  process.stderr.write(`${missing.length} entries without a description\n`);
  process.exit(0);
}
if (missing.length) {
  process.stderr.write(`descriptions.tsv lacks ${missing.length} entries, e.g.\n  ${missing.slice(0, 20).join('\n  ')}\n`);
  process.exit(1);
}
const unusedLeafDesc = [...leafDescriptions.keys()].filter((l) => !out.some((e) => e.leaf === l));
if (unusedLeafDesc.length) throw new Error(`leaf descriptions for leaves without entries: ${unusedLeafDesc.map(hex).join(' ')}`);
const leavesWithout = [...new Set(out.map((e) => e.leaf))].filter((l) => !leafDescriptions.has(l));
if (leavesWithout.length) throw new Error(`descriptions.tsv lacks a leaf description for ${leavesWithout.map(hex).join(' ')}`);

const doc = {
  schema: 'tdx-cpuid/bits/v1',
  generatedBy: 'build/knowledge/bits/generate.mjs (sources and licences: build/knowledge/bits/PROVENANCE.md)',
  leaves: Object.fromEntries([...leafDescriptions].sort((a, b) => a[0] - b[0]).map(([l, d]) => [hex(l), d])),
  entries: out,
};
mkdirSync(dirname(OUT), { recursive: true });
// One entry per line: small diffs when a source changes.
const body = doc.entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
const head = JSON.stringify({ schema: doc.schema, generatedBy: doc.generatedBy, leaves: doc.leaves }, null, 2).slice(0, -2);
writeFileSync(OUT, `${head},\n  "entries": [\n${body}\n  ]\n}\n`);
process.stderr.write(`wrote ${out.length} entries (${reservedRuns} unnamed runs the TDX/QEMU tables mention) to ${OUT}\n`);
