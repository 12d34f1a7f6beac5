// ve-leaf: data the user or QEMU expects lives in a leaf that raises #VE for the guest (a
// faulting leaf, a leaf missing from the module's table, or, from 1.5.09/2.0.04, a leaf that
// answers only with TD_CTLS.REDUCE_VE). A Linux guest answers such a CPUID with zeros: ARAT
// (leaf 6) before 1.5.09, the brand string (0x80000002-4), cache and TLB leaves, the
// frequency leaf (tdx-cpuid-model.md 2.1 last paragraph, 2.2, 5).

import type { BitAddress, LeafKey } from '../../model/address';
import { REGS, bitKey, formatLeafKey } from '../../model/address';
import { layoutOf, leafDescription } from '../../knowledge/bits';
import type { Layer } from '../layer';
import type { Rule, RuleResult } from './types';
import { bitList, kvmUsesModule, listWords, moduleWords, predictionUsable, userFlagBits } from './words';

interface Category {
  readonly id: string;
  readonly title: string;
  readonly leaves: (leaf: number) => boolean;
  readonly effect: string;
}

const CATEGORIES: readonly Category[] = [
  { id: 'thermal', title: 'thermal and power management (ARAT, turbo, HWP)', leaves: (l) => l === 6, effect: 'the guest sees no ARAT (always-running APIC timer) and treats the local APIC timer as stopping in deep C-states' },
  { id: 'brand', title: 'the processor brand string', leaves: (l) => l >= 0x80000002 && l <= 0x80000004, effect: 'the guest shows an empty model name (/proc/cpuinfo "model name")' },
  { id: 'cache', title: 'cache and TLB descriptors', leaves: (l) => l === 2 || l === 4 || l === 0x18 || l === 0x80000005 || l === 0x80000006, effect: 'the guest kernel finds no cache or TLB information' },
  { id: 'frequency', title: 'processor frequencies', leaves: (l) => l === 0x16, effect: 'the guest cannot read the base/maximum frequency from CPUID' },
];

const OTHER: Category = { id: 'other', title: 'other leaves', leaves: () => true, effect: 'the guest reads zeros there' };

function nonzero(layer: Layer, k: LeafKey): boolean {
  const r = layer.row(k.leaf, k.subleaf);
  return !!r && ((r[0]! & r[4]!) | (r[1]! & r[5]!) | (r[2]! & r[6]!) | (r[3]! & r[7]!)) !== 0;
}

/** The leaf note of the guest prediction, shortened: "faulting", "not in the module table", "needs TD_CTLS.X". */
function shortWhy(note: string): string {
  const ctl = /TD_CTLS\.(\w+)/.exec(note);
  if (ctl) return `it needs TD_CTLS.${ctl[1]}`;
  if (/^faulting/.test(note)) return 'faulting in this module';
  if (/not in the module table/.test(note)) return 'not in the module table';
  return note;
}

export const veLeaf: Rule = {
  meta: {
    id: 've-leaf',
    severity: 'info',
    title: 'Expected CPUID data in a leaf that raises #VE',
    description:
      "Leaves that are faulting or missing in the module's table (and, from 1.5.09/2.0.04, some leaves unless the guest enables #VE reduction) raise #VE; a Linux guest then reads zeros. The rule lists such leaves where the host or QEMU's CPU model has data: ARAT before 1.5.09, the brand string, cache and frequency leaves. Explicitly requested features there are warnings.",
    source: 'tdx-cpuid-model.md 2.1 (last paragraph), 2.2 and 5; Linux arch/x86/coco/tdx/tdx.c handle_cpuid(); TDX module td_cpuid.c',
    layers: ['guest', 'setCpuid', 'host', 'module'],
  },
  check(ctx) {
    if (!predictionUsable(ctx) || !kvmUsesModule(ctx)) return [];
    const s = ctx.layers.setCpuid;
    const h = ctx.hasHost ? ctx.host.layer : null;
    const notes = ctx.state.predicted.guest.leafNotes;
    const userOn = userFlagBits(ctx).on;
    const byCat = new Map<Category, { leaves: LeafKey[]; bits: BitAddress[]; requested: BitAddress[]; why: Set<string> }>();
    for (const k of ctx.state.predicted.guest.veLeaves) {
      const inS = !!s && nonzero(s, k);
      const inH = !!h && nonzero(h, k);
      const requested = userOn.length ? userOn.filter((b) => b.leaf === k.leaf && b.subleaf === k.subleaf) : userOn;
      if (!inS && !inH && requested.length === 0) continue;
      const cat = CATEGORIES.find((c) => c.leaves(k.leaf)) ?? OTHER;
      let g = byCat.get(cat);
      if (!g) {
        g = { leaves: [], bits: [], requested: [], why: new Set() };
        byCat.set(cat, g);
      }
      g.leaves.push(k);
      g.requested.push(...requested);
      const note = notes.get(`${k.leaf}:${k.subleaf ?? '-'}`);
      if (note) g.why.add(shortWhy(note));
      // Named single-bit features the host or QEMU has there.
      const sr = s?.row(k.leaf, k.subleaf);
      const hr = h?.row(k.leaf, k.subleaf);
      REGS.forEach((reg, i) => {
        const set = ((sr ? sr[i]! & sr[4 + i]! : 0) | (hr ? hr[i]! & hr[4 + i]! : 0)) >>> 0;
        if (!set) return;
        for (const f of layoutOf(k.leaf, k.subleaf, reg).features) {
          if ((set >>> f.bits[0]) & 1) g.bits.push({ leaf: k.leaf, subleaf: k.subleaf, reg, bit: f.bits[0] });
        }
      });
    }
    const out: RuleResult[] = [];
    for (const cat of [...CATEGORIES, OTHER]) {
      const g = byCat.get(cat);
      if (!g) continue;
      // One entry per leaf: "0xB.0-1 (extended topology ...)".
      const perLeaf = new Map<number, (number | null)[]>();
      for (const k of g.leaves) perLeaf.set(k.leaf, [...(perLeaf.get(k.leaf) ?? []), k.subleaf]);
      const names = [...perLeaf].map(([leaf, subs]) => {
        const key = subs.length > 1 ? `${formatLeafKey({ leaf, subleaf: null })}.${subs[0]}-${subs[subs.length - 1]}` : formatLeafKey({ leaf, subleaf: subs[0]! });
        const d = cat === OTHER ? leafDescription(leaf) : undefined;
        return d ? `${key} (${d.replace(/\.$/, '')})` : key;
      });
      const many = g.leaves.length > 1;
      const what = cat === OTHER ? `CPUID ${many ? 'leaves' : 'leaf'} ${listWords(names, 10)}` : `CPUID ${many ? 'leaves' : 'leaf'} ${listWords(names, 10)}, ${cat.title},`;
      const why = listWords([...g.why], 3);
      const expects = g.bits.length ? ` The host or QEMU's CPU model has ${bitList(g.bits, 8, true)} there.` : '';
      const asked = g.requested.length ? ` -cpu ${ctx.context.cpu.text} explicitly asks for ${bitList(g.requested, 8, true)}, which the guest will not see.` : '';
      const reduce = ctx.module.info.veReduction && !ctx.context.reduceVe ? " A guest that enables #VE reduction (TD_CTLS.REDUCE_VE) reads the module's values instead." : '';
      const seen = new Set<string>();
      const bits = [...g.requested, ...g.bits].filter((b) => !seen.has(bitKey(b)) && !!seen.add(bitKey(b)));
      out.push({
        bits,
        ...(g.requested.length ? { severity: 'warning' as const } : {}),
        message: `With ${moduleWords(ctx)}, ${what} ${many ? 'raise' : 'raises'} #VE in the guest (${why || 'not in the module table'}), so a Linux guest reads zeros: ${cat.effect}.${expects}${asked}${reduce}`,
      });
    }
    return out;
  },
};
