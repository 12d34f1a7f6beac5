// Converts the reference KVM_GET_SUPPORTED_CPUID model (kvm-supported-cpuid.json) into the
// project's compact copy, shared/knowledge/kvm/kvm-supported.json, and writes PROVENANCE.md.
//
//   node build/knowledge/kvm/generate.mjs      (TDX_KNOWLEDGE_DIR overrides the input folder)
//
// The reference file describes each KVM feature word with masks and structured conditions
// (kept as they are) and the other registers with a sentence ("host with bits 27:16 cleared").
// This script turns every such sentence into a small operation the engine evaluates
// (RULES below). An unknown sentence stops the script: a new kernel version whose handling
// changed needs a reviewed rule, not a silent guess.
import { resolve } from 'node:path';
import { assert, hex, parseHex, readSource, root, writeJson, writeText } from '../common.mjs';

const src = readSource('kvm-supported-cpuid.json');
const data = src.json;

// Sentence -> operation. Operations:
//   "h" host value; "z" zero; "w" the register's feature word (masks + conditions);
//   ["c", hex] constant; ["min", hex] min(host, n); ["and", hex] host & mask; ["clr", hex] host & ~mask;
//   "wh" feature word AND host; ["fn", name] computed by the engine (named below).
const RULES = [
  // Specific sentences first, then the generic forms.
  [/^feature word [A-Z0-9_]+(?: \((override|SGX1)[^)]*\))?$/, 'w'],
  [/^feature word CPUID_8000_0007_EDX \(only bit 8 CONSTANT_TSC\/invariant TSC\), additionally ANDed with host/, 'wh'],
  [/^min\(host EAX, (0x8000002[0-9a-f])\); then raised to at least 0x80000021/, (m) => ['fn', `ext-max:${m[1]}`]],
  [/^host & (0x[0-9a-fA-F]+)(?: \(.*\))?$/, (m) => ['and', hex(parseHex(m[1]))]],
  [/^host with bits (\d+):(\d+) cleared$/, (m) => ['clr', hex(rangeMask(Number(m[2]), Number(m[1])))]],
  [/^host with bits (\d+):(\d+) and (\d+):(\d+) cleared$/, (m) => ['clr', hex(rangeMask(Number(m[2]), Number(m[1])) | rangeMask(Number(m[4]), Number(m[3])))]],
  [/^same value as EBX$/, ['fn', 'xsave-size']],
  [/^computed: non-compacted XSAVE size for permitted_xcr0/, ['fn', 'xsave-size']],
  [/^compacted XSAVE size for permitted_xcr0\|permitted_xss/, ['fn', 'xsave-size-compacted']],
  [/^host EAX & permitted_xcr0\[31:0\]$/, ['fn', 'xcr0-lo']],
  [/^host EDX & permitted_xcr0\[63:32\]$/, ['fn', 'xcr0-hi']],
  [/^host ECX & permitted_xss\[31:0\]$/, ['fn', 'xss-lo']],
  [/^host EDX & permitted_xss\[63:32\]$/, ['fn', 'xss-hi']],
  [/^version_id = min\(perf version, 2\)/, ['fn', 'pmu-eax']],
  [/^perf events_mask/, ['fn', 'pmu-ebx']],
  [/^num_counters_fixed = min\(perf fixed counters, 3\)/, ['fn', 'pmu-edx']],
  [/^bits 7:0 = \(TDP off\) host kernel x86_phys_bits \(MAXPHYADDR after SME\/TME reductions\) \| \(TDP on\) host EAX\[23:16\] GuestPhysBits if non-zero/, ['fn', 'phys:guest-phys-bits']],
  [/^bits 7:0 = \(TDP off\) host kernel x86_phys_bits \| \(TDP on\) host raw EAX\[7:0\]; bits 15:8 = max\(host EAX\[15:8\], 48\); bits 23:16 \(GuestPhysBits\) = 0/, ['fn', 'phys:no-guest']],
  [/^bits 7:0 PhysAddrSize = .*GuestPhysAddrSize = \(TDP off\) 0 \| \(TDP on\) PhysAddrSize capped at 48 if max TDP level < 5/, ['fn', 'phys:guest-capped']],
  [/^min\(host EBX\[7:0\] AVX10 version, (\d)\) \| feature word CPUID_24_0_EBX$/, (m) => ['fn', `avx10-ebx:${m[1]}`]],
  [/^0x01007edb always, \| 0x00000020 \(STEAL_TIME\) if host CONFIG_SCHED_INFO/, ['fn', 'kvm-features']],
  [/^if vPMU disabled or PERFMON_V2 not advertised: host EBX value \(bug/, ['fn', 'amd-pmu2-eax-bug']],
  [/^if vPMU disabled or PERFMON_V2 not advertised: host EBX \(not cleared; bug\)/, ['fn', 'amd-pmu2-ebx-bug']],
  [/^zero if vPMU disabled or PERFMON_V2 not advertised; else feature word/, ['fn', 'amd-pmu2-eax']],
  [/^zero if vPMU disabled or PERFMON_V2 not advertised; else bits 3:0 NumCorePmc/, ['fn', 'amd-pmu2-ebx']],
  [/^host & 0x00ff0000 \(RAP size\) if ERAPS advertised, else zero$/, ['fn', 'eraps-ebx']],
  [/^host$/, 'h'],
  [/^host \((unmodified|WARN|L1 cache|x2APIC ID|max enclave|XFRM|TMUL info)/, 'h'],
  [/^host, all subleaves until a subleaf with cache type/, 'h'],
  [/^host, subleaves until cache type 0/, 'h'],
  [/^otherwise host/, 'h'],
  [/^zero\b/, 'z'],
  [/^(0x[0-9a-fA-F]+)(?: \(.*\))?$/, (m) => ['c', hex(parseHex(m[1]))]],
  [/^min\(host E[A-D]X, (0x[0-9a-fA-F]+|\d+)\)/, (m) => ['min', hex(Number(m[1]))]],
];

// Leaf-level conditions: sentence -> named condition the engine evaluates.
const CONDITIONS = [
  [/^vPMU disabled .* or host kernel lacks X86_FEATURE_ARCH_PERFMON$/, 'pmu-off'],
  [/^SGX not advertised$/, 'not:kvmcap:0x7.0.EBX[2]'],
  [/^SGX advertised$/, 'kvmcap:0x7.0.EBX[2]'],
  [/^INTEL_PT not advertised/, 'not:kvmcap:0x7.0.EBX[25]'],
  [/^AMX_TILE not advertised$/, 'not:kvmcap:0x7.0.EDX[24]'],
  [/^AVX10 not advertised$/, 'not:kvmcap:0x7.1.EDX[19]'],
  [/^SVM not advertised/, 'not:kvmcap:0x80000001.ECX[2]'],
  [/^SEV not advertised$/, 'not:kvmcap:0x8000001f.EAX[1]'],
  [/^reported 7\.0:EAX >= (\d)$/, (m) => `k:0x7.0.EAX>=${m[1]}`],
  [/^reported 0x1E\.0:EAX >= (\d)$/, (m) => `k:0x1e.0.EAX>=${m[1]}`],
  [/^reported 0x24\.0:EAX >= (\d)$/, (m) => `k:0x24.0.EAX>=${m[1]}`],
  [/^permitted_xcr0 != 0$/, 'xcr0'],
  [/^host vendor Centaur/, 'vendor-centaur'],
];

// How sub-leaves are enumerated for a leaf (keyed by the "all" sentence or the leaf).
const SUBLEAVES = [
  [/until a subleaf with cache type|until cache type 0/, 'cache'],
  [/subleaves 0\.\.host 0x14\.0:EAX/, 'count-eax'],
  [/subleaves 0\.\.host 0x1D\.0:EAX/, 'count-eax'],
  [/subleaf 0 only/, 'zero-only'],
];

function rangeMask(lo, hi) {
  const width = hi - lo + 1;
  return width >= 32 ? 0xffffffff : (((1 << width) - 1) << lo) >>> 0;
}

function match(table, text, what) {
  for (const [re, out] of table) {
    const m = re.exec(text);
    if (m) return typeof out === 'function' ? out(m) : out;
  }
  throw new Error(`no rule for ${what}: ${JSON.stringify(text)}`);
}

function leafKey(k) {
  const m = /^0x([0-9a-f]{8})(?:\.(\d+))?$/.exec(k);
  assert(m, `leaf key ${k}`);
  return { leaf: Number.parseInt(m[1], 16), subleaf: m[2] === undefined ? null : Number(m[2]) };
}

function convertVersion(name, v) {
  const leaves = [];
  const words = [];
  for (const [key, l] of Object.entries(v.leaves)) {
    const { leaf, subleaf } = leafKey(key);
    const h = l.handling ?? {};
    const op = {};
    const out = { leaf, subleaf };
    for (const reg of ['eax', 'ebx', 'ecx', 'edx']) {
      let text = h[reg] ?? h.all;
      if (text === undefined && l.regs[reg]) text = 'feature word';
      if (text === undefined) text = 'zero';
      op[reg] = text === 'feature word' ? 'w' : match(RULES, text, `${name} ${key} ${reg}`);
      if (op[reg] === 'w' || op[reg] === 'wh') assert(l.regs[reg], `${name} ${key} ${reg}: feature word without masks`);
    }
    out.op = op;
    if (h.zero_if) out.zeroIf = match(CONDITIONS, h.zero_if, `${name} ${key} zero_if`);
    if (h.present_if) out.presentIf = match(CONDITIONS, h.present_if, `${name} ${key} present_if`);
    if (h.all && /subleaf|subleaves/.test(h.all)) out.subleaves = match(SUBLEAVES, h.all, `${name} ${key} sub-leaves`);
    if (h.subleaves_2_to_63) {
      // 0xD sub-leaves 2..63: present when the component is in permitted XCR0|XSS; ECX[2] (XFD) kept only with XFD.
      assert(/bit n set in permitted_xcr0 or permitted_xss/.test(h.subleaves_2_to_63.present_if), `${name} 0xD sub-leaf rule`);
      out.subleaves = 'xsave-components';
    }
    if (h.permitted_xss) out.note = h.permitted_xss;
    leaves.push(out);
    for (const [reg, w] of Object.entries(l.regs)) {
      const names = {};
      for (const b of w.bits) names[b.bit] = `${b.name}:${b.kind}`;
      words.push({
        leaf,
        subleaf,
        reg,
        name: w.feature_word,
        pass: hex(parseHex(w.passthrough_mask)),
        always: hex(parseHex(w.always_set_mask)),
        never: hex(parseHex(w.never_reported_mask)),
        conds: w.conditional.map((c) => [c.bit, c.effect, c.vendor, c.when, c.name]),
        bits: names,
      });
    }
  }
  leaves.sort((a, b) => a.leaf - b.leaf || (a.subleaf ?? -1) - (b.subleaf ?? -1));
  words.sort((a, b) => a.leaf - b.leaf || (a.subleaf ?? -1) - (b.subleaf ?? -1) || a.reg.localeCompare(b.reg));
  const basic = /min\(host CPUID\.0:EAX, (0x[0-9a-f]+)\)/.exec(v.enumeration.ranges[0]);
  assert(basic, `${name}: basic range`);
  const xs = v.xsave;
  // KVM_TDX_CAPABILITIES behaviour: present from 6.16 (upstream ABI). The sentence is checked so
  // that a change in a newer kernel is noticed here.
  let tdx = null;
  if (v.tdx) {
    assert(/HLE\/RTM \(7\.0:EBX\[4,11\]\) and WAITPKG \(7\.0:ECX\[5\]\) cleared/.test(v.tdx), `${name}: tdx clears`);
    assert(/0x80000008\.EAX\[23:16\] reported as 0xff/.test(v.tdx), `${name}: tdx gpaw`);
    tdx = {
      abi: '6.16',
      // tdx_clear_unsupported_cpuid(): 7.0.EBX HLE|RTM, 7.0.ECX WAITPKG.
      clears: [[7, 0, 'ebx', hex(0x810)], [7, 0, 'ecx', hex(0x20)]],
      gpawField: true,
      // KVM_SUPPORTED_TD_ATTRS = TDX_TD_ATTR_SEPT_VE_DISABLE (arch/x86/kvm/vmx/tdx.c, 6.16).
      supportedAttrs: '0000000010000000',
      text: v.tdx,
    };
  }
  return {
    version: name,
    provenance: { repo: v.provenance.repo, commit: v.provenance.commit },
    maxBasic: hex(parseHex(basic[1])),
    maxHypervisor: hex(0x40000001),
    xsave: {
      supportedXcr0: hex(parseHex(xs.KVM_SUPPORTED_XCR0)),
      supportedXss: xs.KVM_SUPPORTED_XSS ? hex(parseHex(xs.KVM_SUPPORTED_XSS)) : null,
    },
    tdx,
    leaves,
    words,
  };
}

function versionKey(s) {
  return s.split('.').map(Number);
}
const names = Object.keys(data.versions).sort((a, b) => {
  const x = versionKey(a);
  const y = versionKey(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
});
const out = {
  schema: 'tdx-cpuid-workbench/kvm-supported/v1',
  source: { file: src.name, sha256: src.sha256, title: data.title },
  kinds: data.kinds,
  whenAtoms: data.schema.when_atoms,
  kernelFlagDerivations: data.kernel_flag_derivations,
  versions: names.map((n) => convertVersion(n, data.versions[n])),
};
const dest = resolve(root, 'shared/knowledge/kvm/kvm-supported.json');
writeJson(dest, out);
writeText(
  resolve(root, 'shared/knowledge/kvm/PROVENANCE.md'),
  `# KVM knowledge: provenance

\`kvm-supported.json\` is generated by \`build/knowledge/kvm/generate.mjs\` from the workbench's
reference file \`${src.name}\` ("${data.title}", SHA-256 \`${src.sha256}\`). The reference file
was extracted from the Linux sources below (bit lists and conditions only, no code):

| kernel | repository @ commit |
|---|---|
${out.versions.map((v) => `| ${v.version} | ${v.provenance.repo}@${v.provenance.commit.slice(0, 12)} |`).join('\n')}

Conversion: feature words keep their masks and structured conditions; the other registers'
handling sentences become operations through the reviewed rule list in the generator (an
unknown sentence stops the generator). KVM_TDX_CAPABILITIES behaviour for 6.16 and later
(HLE/RTM/WAITPKG cleared, 0x80000008.EAX[23:16] reported as 0xff, supported_attrs =
SEPT_VE_DISABLE ∩ module) is checked against the reference sentence and Linux
\`arch/x86/kvm/vmx/tdx.c\` (6.16: \`tdx_clear_unsupported_cpuid()\`, \`td_init_cpuid_entry2()\`,
\`KVM_SUPPORTED_TD_ATTRS\`). Kernels without that sentence use the pre-upstream ("legacy")
capabilities ABI.
`,
);
process.stdout.write(`wrote ${dest}: ${out.versions.length} kernel versions\n`);
