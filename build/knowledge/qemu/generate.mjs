// Converts QEMU's TDX tables (qemu-tdx-tables.json) and QEMU's feature-word names
// (feature-words.mjs, transcribed from target/i386/cpu.c) into the project's compact copy,
// shared/knowledge/qemu/qemu-tdx.json, and writes PROVENANCE.md.
//
//   node build/knowledge/qemu/generate.mjs      (TDX_KNOWLEDGE_DIR overrides the input folder)
import { resolve } from 'node:path';
import { assert, hex, parseHex, readSource, root, writeJson, writeText } from '../common.mjs';
import { QEMU_FEATURE_WORDS, QEMU_FEATURE_WORDS_COMMIT } from './feature-words.mjs';

const src = readSource('qemu-tdx-tables.json');
const data = src.json;
assert(data.schema === 'qemu-tdx-fixed-bits/v1', `schema ${data.schema}`);

// QEMU looks leaves up with index 0; the workbench's addresses use null for leaves that have
// no sub-leaves. These leaves of the tables have sub-leaves:
const INDEXED = new Set([0x4, 0x7, 0xd, 0x12, 0x14, 0x24]);
function sub(leaf, s) {
  if (!INDEXED.has(leaf)) return null;
  return s === null || s === undefined ? 0 : parseHex(s);
}

const up = data.variants.qemu_upstream;
const fixed1 = [];
for (const row of up.tdx_fixed1_bits) {
  const leaf = parseHex(row.leaf);
  for (const [reg, r] of Object.entries(row.regs)) {
    const mask = parseHex(r.mask);
    const fromBits = r.bits.reduce((m, b) => (m | (1 << b.bit)) >>> 0, 0);
    assert(mask === fromBits, `fixed1 ${row.leaf} ${reg} mask vs bits`);
    fixed1.push([leaf, sub(leaf, row.subleaf), reg, hex(mask)]);
  }
}
const attrsMap = up.tdx_attrs_maps.map((a) => ({
  attrBit: a.attr_bit,
  name: a.attr_name.replace(/ \(.*\)$/, ''),
  leaf: parseHex(a.leaf),
  subleaf: sub(parseHex(a.leaf), a.subleaf),
  reg: a.reg,
  bit: a.bit,
}));
const xfamDeps = up.tdx_xfam_deps.map((x) => ({
  xfamBit: x.xfam_bit,
  xstate: x.xstate,
  leaf: parseHex(x.leaf),
  subleaf: sub(parseHex(x.leaf), x.subleaf),
  reg: x.reg,
  bit: x.bit,
  macro: x.macro,
  // The CET rows arrived with the CET series (Dec 2025), after the 10.1/10.2 releases.
  since: x.added ? '11.0' : '10.1',
}));
assert(/0x000602ff at TDX merge/.test(up.xfam_to_leaf_0xd.CPUID_XSTATE_XCR0_MASK), 'XCR0 mask text');
assert(/0x00008000 \(ARCH_LBR\) at TDX merge; 0x00009800 after CET series/.test(up.xfam_to_leaf_0xd.CPUID_XSTATE_XSS_MASK), 'XSS mask text');
const pv = parseHex(up.leaf_0x40000001_eax.mask);
const supportedAttrs = up.TDX_SUPPORTED_TD_ATTRS.value.replace(/^0x/, '').toLowerCase().padStart(16, '0');
const defaultAttrs = up.default_attributes.value.replace(/^0x/, '').toLowerCase().padStart(16, '0');

// Versions: upstream TDX support was merged for QEMU 10.1; the CET XFAM rows and the CET XSS
// bits for 11.0 (INFERRED from the pull request date, 2025-12-27, after the 10.2 release).
const qemuVersions = [
  { version: '10.1', variant: 'upstream', xcr0Mask: '00000000000602ff', xssMask: '0000000000008000', note: 'TDX merged (qemu/qemu e82989544e38 tables)' },
  { version: '11.0', variant: 'upstream', xcr0Mask: '00000000000602ff', xssMask: '0000000000009800', note: 'CET SHSTK/IBT supported by XFAM (qemu/qemu 05caf2690e5a tables)' },
];

const legacy = data.variants.qemu_legacy_tdx_cpuid_lookup;
const legacyLookup = legacy.tdx_cpuid_lookup.map((r) => {
  const leaf = parseHex(r.leaf);
  const o = { word: r.feature_word, leaf, subleaf: sub(leaf, r.subleaf), reg: r.reg };
  for (const k of ['tdx_fixed0', 'tdx_fixed1', 'depends_on_vmm_cap']) if (r[k]) o[k.replace('tdx_', '').replace('depends_on_vmm_cap', 'dependsOnVmmCap')] = hex(parseHex(r[k].mask));
  if (r.inducing_ve) o.supportedOnVe = hex(parseHex(r.supported_value_on_ve.mask ?? r.supported_value_on_ve));
  return o;
});

const v6 = data.variants.qemu_tdx_v6_poc;
function rows(list) {
  const out = [];
  for (const row of list) {
    const leaf = parseHex(row.leaf);
    for (const [reg, r] of Object.entries(row.regs)) out.push([leaf, sub(leaf, row.subleaf), reg, hex(parseHex(r.mask))]);
  }
  return out;
}

const words = QEMU_FEATURE_WORDS.map((w) => {
  const names = {};
  if (Array.isArray(w.names)) {
    assert(w.names.length === 32, `${w.name} has ${w.names.length} names`);
    w.names.forEach((n, i) => {
      if (n) names[i] = n;
    });
  } else Object.assign(names, w.names);
  return {
    name: w.name,
    leaf: w.leaf,
    subleaf: w.subleaf,
    reg: w.reg,
    names,
    unmigratable: hex(w.unmigratable ?? 0),
    noAutoenable: hex(w.noAutoenable ?? 0),
    migratable: hex(w.migratable ?? 0),
  };
});

// The reference file's own cross-check (kept so that tests can compare the engine's
// independent computation with it).
const cc = data.cross_check_vs_tdx_module;
const crossCheck = {
  upstreamFixed1Rows: cc.upstream_fixed1_rows.map((r) => [parseHex(r.leaf), sub(parseHex(r.leaf), r.subleaf), r.reg, r.bit, r.module]),
  moduleOnly: cc.module_effective_fixed1_not_in_qemu_upstream.map((r) => [r.version, parseHex(r.leaf), sub(parseHex(r.leaf), r.subleaf), r.reg, r.bits.map((b) => b.bit)]),
};

const out = {
  schema: 'tdx-cpuid-workbench/qemu-tdx/v1',
  source: { file: src.name, sha256: src.sha256, featureWordsCommit: QEMU_FEATURE_WORDS_COMMIT },
  featureWords: words,
  versions: qemuVersions,
  upstream: {
    provenance: up.provenance.map((p) => ({ repo: p.repo ?? p.list, commit: p.commit ?? p.message_id, path: p.path ?? null })),
    fixed1,
    attrsMap,
    xfamDeps,
    // tdx_add_supported_kvm_features() assigns this as the supported 0x40000001.EAX.
    pvFeatures: hex(pv),
    supportedTdAttrs: supportedAttrs,
    defaultAttributes: defaultAttrs,
    forced: { pmu: up.forced_cpu_props.pmu, invtsc: up.forced_cpu_props.invtsc, namedModelsRejected: true },
    // 0xD.1.EAX |= XFD unconditionally (xfam_to_leaf_0xd).
    xsave1EaxAlways: hex(1 << 4),
  },
  legacy: {
    provenance: legacy.provenance.map((p) => ({ repo: p.repo, commit: p.commit, path: p.path })),
    lookup: legacyLookup,
    attrsCtrl: legacy.tdx_attrs_ctrl_fields.map((a) => ({ attrBit: a.attr_bit, word: a.feature_word, bit: a.bit })),
    algorithm: legacy.tdx_get_supported_cpuid_algorithm,
  },
  v6poc: {
    provenance: v6.provenance.map((p) => ({ repo: p.repo ?? p.list, commit: p.commit ?? p.message_id, path: p.path ?? null })),
    fixed0: rows(v6.tdx_fixed0_bits),
    fixed1: rows(v6.tdx_fixed1_bits),
    algorithm: v6.adjust_algorithm,
  },
  crossCheck,
};
const dest = resolve(root, 'shared/knowledge/qemu/qemu-tdx.json');
writeJson(dest, out);
writeText(
  resolve(root, 'shared/knowledge/qemu/PROVENANCE.md'),
  `# QEMU knowledge: provenance

\`qemu-tdx.json\` is generated by \`build/knowledge/qemu/generate.mjs\` from:

- the workbench's reference file \`${src.name}\` (SHA-256 \`${src.sha256}\`), which holds the
  TDX tables of QEMU's \`target/i386/kvm/tdx.c\`:
${out.upstream.provenance.map((p) => `  - ${p.repo} ${p.commit ?? ''} ${p.path ?? ''}`).join('\n')}
  - legacy (pre-upstream-ABI) tables: ${out.legacy.provenance.map((p) => `${p.repo}@${p.commit} ${p.path}`).join(', ')}
  - v6 patch-series tables: ${out.v6poc.provenance.map((p) => `${p.repo} ${p.commit ?? ''}`).join(', ')}
- QEMU's feature-word bit names, transcribed (facts: positions and names) into
  \`build/knowledge/qemu/feature-words.mjs\` from qemu/qemu \`target/i386/cpu.c\` at commit
  \`${QEMU_FEATURE_WORDS_COMMIT}\` (feature_word_info[]).

Versions: upstream TDX support is in QEMU 10.1 and later; the CET rows of the XFAM map and the
CET bits of the XSS mask are attributed to 11.0 (inferred from the pull request date,
2025-12-27). The legacy lookup tables belong to the Intel/Canonical TDX QEMU 8.x trees.
`,
);
process.stdout.write(`wrote ${dest}\n`);
