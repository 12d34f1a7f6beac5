// Step 1 of the bit-name build: extracts the facts this project needs from the workbench's
// reference data (read-only, outside the repository) into small files under ./sources, so
// that generate.mjs runs on a fresh clone without it. Re-run when the reference data changes:
//   node build/knowledge/bits/extract-shared.mjs [/path/to/shared/knowledge]
// Default path: ../shared/knowledge next to the repository, or $TDX_SHARED_KNOWLEDGE.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const root = resolve(here, '../../..');
const shared = resolve(process.argv[2] ?? process.env.TDX_SHARED_KNOWLEDGE ?? join(root, '../shared/knowledge'));
const out = join(here, 'sources');

const hex = (n) => `0x${n.toString(16)}`;
const num = (s) => (typeof s === 'number' ? s : parseInt(s, 16));

// 1. kcpuid CSV: CC0-1.0, copied verbatim.
copyFileSync(join(shared, 'kcpuid-cpuid.csv'), join(out, 'kcpuid-cpuid.csv'));

// 2. Linux X86_FEATURE names per CPUID bit, from KVM's feature words (all kernel versions).
{
  const kvm = JSON.parse(readFileSync(join(shared, 'kvm-supported-cpuid.json'), 'utf8'));
  const rows = new Map();
  for (const [ver, v] of Object.entries(kvm.versions)) {
    for (const [key, leafInfo] of Object.entries(v.leaves)) {
      const [l, s] = key.split('.');
      for (const [reg, word] of Object.entries(leafInfo.regs ?? {})) {
        for (const b of word.bits ?? []) {
          const k = `${hex(num(l))}\t${s ?? '-'}\t${reg}\t${b.bit}\t${b.name}`;
          const r = rows.get(k) ?? { first: ver, last: ver };
          r.last = ver;
          rows.set(k, r);
        }
      }
    }
  }
  const lines = [
    '# Linux X86_FEATURE_ names of CPUID bits as KVM words use them (bits[] of every version in',
    '# kvm-supported-cpuid.json, extracted from the Linux sources named there). first/last = kernel versions.',
    'leaf\tsubleaf\treg\tbit\tfeature\tfirst\tlast',
  ];
  for (const [k, r] of rows) lines.push(`${k}\t${r.first}\t${r.last}`);
  writeFileSync(join(out, 'kvm-feature-names.tsv'), `${lines.join('\n')}\n`);
}

// 3. Bits QEMU's TDX tables mention (with QEMU property and macro names).
{
  const q = JSON.parse(readFileSync(join(shared, 'qemu-tdx-tables.json'), 'utf8'));
  const rows = new Map();
  const add = (ctx, bit, prop, macro) => {
    if (ctx.leaf === undefined || !ctx.reg) return;
    const sub = ctx.subleaf === undefined || ctx.subleaf === null || ctx.subleaf === 'any' ? '-' : String(num(ctx.subleaf));
    const k = `${hex(num(ctx.leaf))}\t${sub}\t${ctx.reg}\t${bit}`;
    const prev = rows.get(k) ?? { prop: '', macro: '' };
    rows.set(k, { prop: prev.prop || prop || '', macro: prev.macro || macro || '' });
  };
  const walk = (x, ctx) => {
    if (Array.isArray(x)) return x.forEach((y) => walk(y, ctx));
    if (!x || typeof x !== 'object') return;
    const c = { ...ctx };
    if ('leaf' in x && typeof x.leaf === 'string' && /^0x/.test(x.leaf)) {
      c.leaf = x.leaf;
      c.subleaf = x.subleaf;
      c.reg = undefined;
    }
    if (typeof x.reg === 'string' && /^(eax|ebx|ecx|edx)$/.test(x.reg)) c.reg = x.reg;
    if (typeof x.bit === 'number' && c.reg) add(c, x.bit, x.qemu_prop, x.macro);
    if (typeof x.mask === 'string' && /^0x[0-9a-f]+$/i.test(x.mask) && c.reg) {
      const m = parseInt(x.mask, 16);
      for (let b = 0; b < 32; b++) if ((m >>> b) & 1) add(c, b);
    }
    for (const [k, v] of Object.entries(x)) {
      if (k === 'regs' && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [reg, rv] of Object.entries(v)) walk(rv, { ...c, reg });
      } else if (/^(eax|ebx|ecx|edx)$/.test(k)) {
        walk(v, { ...c, reg: k });
      } else if (k === 'leaf_0x40000001_eax') {
        walk(v, { leaf: '0x40000001', subleaf: null, reg: 'eax' });
      } else if (k !== 'cross_check_vs_tdx_module') {
        walk(v, c);
      }
    }
  };
  walk(q.variants, {});
  const lines = [
    '# Every CPUID bit that QEMU\'s TDX tables mention (qemu-tdx-tables.json variants: upstream',
    '# tdx_fixed1_bits / attrs / xfam deps / 0x40000001, the v6 PoC fixed0/fixed1, the legacy lookup),',
    '# with QEMU property (feat_names) and C macro where the table names one. subleaf \'-\' = none/any.',
    'leaf\tsubleaf\treg\tbit\tqemu_prop\tmacro',
  ];
  for (const [k, r] of [...rows].sort()) lines.push(`${k}\t${r.prop}\t${r.macro}`);
  writeFileSync(join(out, 'qemu-tdx-bits.tsv'), `${lines.join('\n')}\n`);
}

// 4. Registers the TDX module tables describe, with the OR of every mask of every version.
{
  const m = JSON.parse(readFileSync(join(shared, 'tdx-module-cpuid.json'), 'utf8'));
  const masks = ['verify_mask', 'verify_value', 'verify_same', 'fixed1', 'fixed0_or_dynamic', 'config_direct', 'allow_direct'];
  const rows = new Map();
  for (const v of Object.values(m.versions)) {
    for (const l of v.leaves ?? []) {
      const sub = l.subleaf === '0xffffffff' ? '-' : String(num(l.subleaf));
      for (const [reg, r] of Object.entries(l.regs ?? {})) {
        let or = 0;
        for (const k of masks) if (typeof r[k] === 'string') or |= parseInt(r[k], 16);
        const key = `${hex(num(l.leaf))}\t${sub}\t${reg}`;
        rows.set(key, ((rows.get(key) ?? 0) | or) >>> 0);
      }
    }
    for (const [key, byBit] of Object.entries(v.xfam_masks_raw ?? {})) {
      const [l, s] = key.split('_');
      const sub = s === '0xffffffff' ? '-' : String(num(s));
      for (const regs of Object.values(byBit)) {
        for (const [reg, mask] of Object.entries(regs)) {
          const k2 = `${hex(num(l))}\t${sub}\t${reg}`;
          rows.set(k2, ((rows.get(k2) ?? 0) | parseInt(mask, 16)) >>> 0);
        }
      }
    }
  }
  const lines = [
    '# Registers described by the TDX module CPUID tables (tdx-module-cpuid.json, every version),',
    '# with the OR of all their masks (verify/fixed1/fixed0_or_dynamic/config_direct/allow_direct/xfam).',
    "# subleaf '-' = CPUID_SUBLEAF_NA.",
    'leaf\tsubleaf\treg\tmask',
  ];
  for (const [k, v] of rows) lines.push(`${k}\t0x${v.toString(16).padStart(8, '0')}`);
  writeFileSync(join(out, 'tdx-module-registers.tsv'), `${lines.join('\n')}\n`);
}
process.stderr.write(`extracted from ${shared} into ${out}\n`);
