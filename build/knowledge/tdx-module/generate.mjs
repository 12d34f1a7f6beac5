// Converts the reference TDX module CPUID tables (tdx-module-cpuid.json) into the project's
// compact copy, shared/knowledge/tdx-module/module-tables.json, and writes PROVENANCE.md.
//
//   node build/knowledge/tdx-module/generate.mjs      (TDX_KNOWLEDGE_DIR overrides the input folder)
//
// What changes in the conversion (and nothing else):
// - identical lookup entries of different versions are stored once (an entry pool), versions
//   list [entry, config_index, faulting] triples in ascending leaf/sub-leaf order;
// - per register the seven masks become one array of 8-digit hex strings in a fixed order
//   (verify_mask, verify_value, verify_same, fixed1, fixed0_or_dynamic, config_direct, allow_direct);
//   the derived masks (native, native_verified_1/0) are recomputed by the reader, and this
//   script checks that they equal the reference file's;
// - special-handling texts and global runtime rules are stored once and referenced by index;
// - versions are sorted by version number.
import { resolve } from 'node:path';
import { assert, hex, parseHex, readSource, root, writeJson, writeText } from '../common.mjs';

const REGS = ['eax', 'ebx', 'ecx', 'edx'];
const MASKS = ['verify_mask', 'verify_value', 'verify_same', 'fixed1', 'fixed0_or_dynamic', 'config_direct', 'allow_direct'];
const NO_SUBLEAF = 0xffffffff;

const src = readSource('tdx-module-cpuid.json');
const data = src.json;
assert(data.schema === 'tdx-module-cpuid/v1', `unexpected schema ${data.schema}`);

function versionKey(v) {
  const m = /^(\d+)\.(\d+)(?:\.(\d+)|-(beta))$/.exec(v);
  assert(m, `version ${v}`);
  // "1.5-beta" sorts before "1.5.00".
  return [Number(m[1]), Number(m[2]), m[4] ? -1 : Number(m[3])];
}
function compareVersions(a, b) {
  const x = versionKey(a);
  const y = versionKey(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

const texts = [];
const textIndex = new Map();
function textId(t) {
  if (!textIndex.has(t)) {
    textIndex.set(t, texts.length);
    texts.push(t);
  }
  return textIndex.get(t);
}

const pool = [];
const poolIndex = new Map();
function entryId(e) {
  const leaf = parseHex(e.leaf);
  const sub = parseHex(e.subleaf);
  const regs = REGS.map((r) => {
    const m = e.regs[r];
    const values = MASKS.map((k) => parseHex(m[k]));
    const [vm, vv, , f1, f0, cd, ad] = values;
    const native = ~(f1 | f0 | cd | ad) >>> 0;
    assert(native === parseHex(m.native_derived), `${e.leaf}.${e.subleaf} ${r} native`);
    assert((native & vm & vv) >>> 0 === parseHex(m.native_verified_1), `${e.leaf} ${r} nv1`);
    assert((native & vm & ~vv) >>> 0 === parseHex(m.native_verified_0), `${e.leaf} ${r} nv0`);
    assert(((f1 & f0) | (f1 & cd) | (f1 & ad) | (f0 & cd) | (f0 & ad) | (cd & ad)) === 0, `${e.leaf} ${r} masks overlap`);
    return values.map(hex);
  });
  const out = { leaf, subleaf: sub === NO_SUBLEAF ? null : sub, regs };
  if (e.xfam_gating) {
    const xfam = {};
    for (const bit of Object.keys(e.xfam_gating).sort((a, b) => Number(a) - Number(b))) {
      xfam[bit] = REGS.map((r) => hex(e.xfam_gating[bit][r] ? parseHex(e.xfam_gating[bit][r]) : 0));
    }
    out.xfam = xfam;
  }
  if (e.special_handling?.length) out.special = e.special_handling.map((s) => [s.stage, textId(s.text)]);
  const key = JSON.stringify(out);
  if (!poolIndex.has(key)) {
    poolIndex.set(key, pool.length);
    pool.push(out);
  }
  return poolIndex.get(key);
}

function parseBuild(s) {
  if (!s) return { build: null, date: null };
  const m = /build (\d+)(?:, date (\d{8}))?/.exec(s);
  return { build: m ? Number(m[1]) : null, date: m?.[2] ?? null };
}

const names = Object.keys(data.versions).sort(compareVersions);
const versions = names.map((name) => {
  const v = data.versions[name];
  assert(v.leaves.every((e) => e.valid_entry), `${name}: invalid entry`);
  const lookup = v.leaves
    .map((e) => ({ e, leaf: parseHex(e.leaf), sub: parseHex(e.subleaf) }))
    .sort((a, b) => a.leaf - b.leaf || (a.sub === NO_SUBLEAF ? -1 : a.sub) - (b.sub === NO_SUBLEAF ? -1 : b.sub))
    .map(({ e }) => [entryId(e), e.config_index, e.faulting ? 1 : 0]);
  const configCount = v.cpuid_config_order.length;
  assert(configCount === v.num_cpuid_config, `${name}: config count`);
  v.cpuid_config_order.forEach((c, i) => {
    assert(c.config_index === i, `${name}: config order`);
    const e = v.leaves.find((x) => x.leaf === c.leaf && x.subleaf === c.subleaf);
    assert(e && e.config_index === i, `${name}: config slot ${i} has no lookup entry`);
  });
  const { build, date } = parseBuild(v.build);
  const out = {
    version: name,
    build,
    date,
    sourceKind: v.source_kind ?? 'source',
    tableStyle: v.table_style,
    provenance: v.provenance.map((p) => ({ repo: p.repo ?? p.list ?? null, commit: p.commit ?? null, path: p.path ?? null })),
    maxLookup: v.max_num_cpuid_lookup,
    configCount,
    lookup,
    runtimeRules: (v.global_runtime_rules ?? []).map(textId),
    veReduction: v.cpuid_fixed0_bitmap !== undefined,
    fixed0Bitmap: v.cpuid_fixed0_bitmap ? v.cpuid_fixed0_bitmap.value.replace(/^0x/, '') : null,
    identicalTo: v.identical_tables_to ?? null,
    tdxFeatures0: v.tdx_features0_per_intel_mapping_file ?? null,
  };
  if (v.note) out.note = v.note;
  return out;
});

// Compile-time constants (same for every 1.x/2.x version per the reference file).
const xfamFixed0 = /^0x([0-9A-Fa-f]+)/.exec(data.compile_time_constants['all_1.x_2.x'].TDX_XFAM_FIXED0)[1].toLowerCase().padStart(8, '0');
const xfamFixed1 = /^0x([0-9A-Fa-f]+)/.exec(data.compile_time_constants['all_1.x_2.x'].TDX_XFAM_FIXED1)[1].toLowerCase().padStart(8, '0');
assert(xfamFixed0 === '0006dbe7' && xfamFixed1 === '00000003', 'XFAM constants');
const attrText = data.compile_time_constants['1.5.06_attributes_fixed0'];
assert(/bit27\(LASS/.test(attrText) && /bit28\(SEPT_VE_DISABLE\)/.test(attrText) && /bit63\(PERFMON\)/.test(attrText), 'ATTRIBUTES_FIXED0 text');

const out = {
  schema: 'tdx-cpuid-workbench/tdx-module-tables/v1',
  source: { file: src.name, sha256: src.sha256, schema: data.schema },
  maskOrder: MASKS,
  constants: {
    xfamFixed0,
    xfamFixed1,
    // ATTRIBUTES_FIXED0 of 1.5.06: DEBUG(0) | ICSSD(16) | LASS(27) | SEPT_VE_DISABLE(28) |
    // MIGRATABLE(29) | PKS(30) | PERFMON(63); ATTRIBUTES_FIXED1 = 0. LASS is removed at init
    // when the platform lacks it. Versions before 1.5.05 have no LASS support (INFERRED from the
    // "1.5.05+: EAX.LASS[6] := ATTRIBUTES.LASS" special handling).
    attributesFixed0: '8000000078010001',
    attributesFixed0Pre155: '8000000070010001',
    attributesFixed1: '0000000000000000',
    attributesText: attrText,
  },
  texts,
  entries: pool,
  versions,
};

const dest = resolve(root, 'shared/knowledge/tdx-module/module-tables.json');
writeJson(dest, out);

const provRows = versions
  .map((v) => `| ${v.version} | ${v.sourceKind} | ${v.provenance.map((p) => `${p.repo}${p.commit ? `@${p.commit.slice(0, 12)}` : ''} \`${p.path ?? ''}\``).join('<br>')} | ${v.build ?? '–'} / ${v.date ?? '–'} |`)
  .join('\n');
writeText(
  resolve(root, 'shared/knowledge/tdx-module/PROVENANCE.md'),
  `# TDX module CPUID tables: provenance

\`module-tables.json\` is generated by \`build/knowledge/tdx-module/generate.mjs\` from the
workbench's reference file \`${src.name}\` (schema \`${data.schema}\`,
SHA-256 \`${src.sha256}\`). Re-run the script after the reference file changes; the output is
deterministic.

The reference file holds masks (facts) extracted from the Intel TDX module's generated tables
\`include/auto_gen*/cpuid_configurations.c\` and, for releases without public sources, from the
released module binaries. No source code is copied. Per version:

| version | kind | repository @ commit, path | build / date |
|---|---|---|---|
${provRows}

Conversion: entries equal in every mask, XFAM gating mask and special-handling text are stored
once; per version the lookup table lists \`[entry, config_index, faulting]\` in ascending
leaf/sub-leaf order. Derived masks (native, native-verified 1/0) are recomputed by the reader
(\`shared/knowledge/tdx-module/module-table.ts\`); the generator checks them against the
reference file.

Constants: TDX_XFAM_FIXED0 \`0x${xfamFixed0}\`, TDX_XFAM_FIXED1 \`0x${xfamFixed1}\` (all 1.x/2.x);
ATTRIBUTES_FIXED0 from the 1.5.06 sources (${attrText}). For versions before 1.5.05 the LASS
bit (27) is left out (inferred: LASS virtualization arrived in 1.5.05).
`,
);
process.stdout.write(`wrote ${dest}: ${versions.length} versions, ${pool.length} distinct entries, ${texts.length} texts\n`);
