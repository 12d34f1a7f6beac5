// T: the TD's CPUID as the TDX module computes it at TDH.MNG.INIT (tdx-cpuid-model.md 2.1):
// for every lookup entry P = (H & ~fixed0_or_dynamic) | fixed1, the CPUID_CONFIG check
// (cfg & ~(config_direct | allow_direct) -> TDX_OPERAND_INVALID, operand 69), then
// v = (P & ~config_direct) | (cfg & config_direct), v &= cfg | ~allow_direct, then the
// per-leaf special handling of the module version (special_handling in the tables; 1.5.06
// code reading): XFAM and ATTRIBUTES gating, HLE = RTM, leaf 5 vs MONITOR, 0x15 TSC, 0x80000008
// address widths, 0xB derived from the configured 0x1F, and run-time bits stored as 0.

import type { LeafKey, Reg } from '../../model/address';
import { REGS, leafKeyString, regIndex } from '../../model/address';
import type { ModuleEntry, ModuleTable } from '../../knowledge/tdx-module/module-table';
import { attrBit } from '../../knowledge/tdx-module/module-table';
import type { HostView } from '../host';
import type { Bits, Layer } from '../layer';
import { ALL, LayerBuilder, UNKNOWN, ZERO, and, known, mask, merge, or } from '../layer';
import { hostXcr0Supported, xsaveSize } from '../xsave';

/** TDX_OPERAND_INVALID with operand id 0x45 (69) = CPUID_CONFIG (tdx-cpuid-model.md 6). */
export const TDX_ERROR_CPUID_CONFIG = 0xc000010000000045n;

export interface ConfigFailure extends LeafKey {
  readonly reg: Reg;
  /** Offending bits of the register. */
  readonly bits: number;
  readonly configIndex: number;
  readonly reason: 'not-configurable' | 'fms' | 'hle-rtm';
  readonly message: string;
}

export interface SpecialNote {
  readonly mask: number;
  readonly text: string;
}

export interface TdPrediction {
  /** What KVM_TDX_GET_CPUID returns: every non-faulting lookup entry, run-time bits 0. */
  readonly layer: Layer;
  /** Every lookup entry, including faulting ones (their TDCS values), for inspection. */
  readonly stored: Layer;
  readonly faulting: readonly LeafKey[];
  /** TDH.MNG.INIT would fail (TDX_OPERAND_INVALID, CPUID_CONFIG) for these reasons. */
  readonly configFailures: readonly ConfigFailure[];
  /** Special handling applied, per register (`leaf:sub:reg`), for the reason chain. */
  readonly notes: ReadonlyMap<string, readonly SpecialNote[]>;
  readonly attributes: bigint;
  readonly xfam: bigint;
  /** TSC frequency the TD sees, in kHz (null when unknown). */
  readonly tscKhz: number | null;
}

export interface TdInput {
  readonly host: HostView;
  readonly module: ModuleTable;
  /** TD_PARAMS.CPUID_CONFIG per slot. */
  readonly config: ReadonlyMap<number, readonly [Bits, Bits, Bits, Bits]>;
  readonly attributes: bigint;
  readonly xfam: bigint;
  readonly tscKhz: number | null;
}

const XSS_COMPONENTS = (1n << 8n) | (1n << 10n) | (1n << 11n) | (1n << 12n) | (1n << 13n) | (1n << 14n) | (1n << 15n) | (1n << 16n);

function regKey(leaf: number, subleaf: number | null, reg: Reg): string {
  return `${leaf}:${subleaf ?? '-'}:${reg}`;
}

export function predictTd(input: TdInput): TdPrediction {
  const { host, module, attributes, xfam } = input;
  const xfamBit = (n: number): boolean => ((xfam >> BigInt(n)) & 1n) === 1n;
  const attr = (name: Parameters<typeof attrBit>[0]): boolean => (attributes & attrBit(name)) !== 0n;
  const notes = new Map<string, SpecialNote[]>();
  const note = (leaf: number, subleaf: number | null, reg: Reg, m: number, text: string): void => {
    if (m === 0) return;
    const k = regKey(leaf, subleaf, reg);
    const list = notes.get(k) ?? [];
    list.push({ mask: m >>> 0, text });
    notes.set(k, list);
  };
  const failures: ConfigFailure[] = [];
  const values = new Map<string, [Bits, Bits, Bits, Bits]>();
  const get = (leaf: number, subleaf: number | null): [Bits, Bits, Bits, Bits] | undefined => values.get(leafKeyString({ leaf, subleaf }));
  const bitOf = (leaf: number, subleaf: number | null, reg: Reg, bit: number): boolean | null => {
    const r = get(leaf, subleaf)?.[regIndex(reg)];
    if (!r || ((r.k >>> bit) & 1) === 0) return null;
    return ((r.v >>> bit) & 1) === 1;
  };
  const zeroAll = (e: ModuleEntry, regs: Bits[], text: string): void => {
    REGS.forEach((r, i) => {
      note(e.leaf, e.subleaf, r, ALL, text);
      regs[i] = ZERO;
    });
  };

  for (const e of module.entries) {
    const cfg = e.configIndex !== null ? input.config.get(e.configIndex) : undefined;
    const regs: Bits[] = REGS.map((reg, i) => {
      const m = e.regs[i]!;
      const h = host.reg(e.leaf, e.subleaf, reg);
      const p = or(mask(h, ~m.fixed0 >>> 0), known(m.fixed1));
      if (e.configIndex === null) return p;
      const c = cfg?.[i] ?? ZERO;
      const bad = (c.v & c.k & ~(m.configDirect | m.allowDirect)) >>> 0;
      if (bad) {
        failures.push({
          leaf: e.leaf,
          subleaf: e.subleaf,
          reg,
          bits: bad,
          configIndex: e.configIndex,
          reason: 'not-configurable',
          message: 'the CPUID configuration sets bits that are neither config_direct nor allow_direct',
        });
      }
      let v = merge(p, c, m.configDirect);
      v = and(v, or(c, known(~m.allowDirect >>> 0)));
      return v;
    });

    // XFAM gating (apply_cpuid_xfam_masks): bits cleared when the XFAM bit is 0.
    for (const [bit, masks] of e.xfamGating) {
      if (xfamBit(bit)) continue;
      REGS.forEach((r, i) => {
        if (!masks[i]) return;
        note(e.leaf, e.subleaf, r, masks[i]!, `cleared because XFAM[${bit}] is 0`);
        regs[i] = mask(regs[i]!, ~masks[i]! >>> 0);
      });
    }

    applySpecial(e, regs);
    values.set(leafKeyString(e), regs as [Bits, Bits, Bits, Bits]);
  }

  function applySpecial(e: ModuleEntry, regs: Bits[]): void {
    const { leaf, subleaf } = e;
    switch (leaf) {
      case 1: {
        // FMS: a configured 0 means the platform FMS (minimum stepping); a non-migratable TD
        // accepts only 0 or the platform FMS.
        const cd = e.regs[0].configDirect;
        const eax = regs[0]!;
        if (cd !== 0 && (eax.k & cd) === cd) {
          const platform = host.platformFms;
          if ((eax.v & cd) === 0) {
            if (platform !== null) {
              regs[0] = merge(eax, known(platform), cd);
              note(1, null, 'eax', cd, 'configured as 0: the module uses the platform FMS (minimum stepping)');
            }
          } else if (platform !== null && (eax.v & cd) !== (platform & cd) && !attr('MIGRATABLE')) {
            failures.push({
              leaf: 1,
              subleaf: null,
              reg: 'eax',
              bits: ((eax.v ^ platform) & cd) >>> 0,
              configIndex: e.configIndex ?? 0,
              reason: 'fms',
              message: `family/model/stepping 0x${(eax.v & cd).toString(16)} is neither 0 nor the platform FMS 0x${(platform & cd).toString(16)}; a non-migratable TD accepts only those`,
            });
          }
        }
        break;
      }
      case 5: {
        const monitor = bitOf(1, null, 'ecx', 3);
        if (monitor === false) zeroAll(e, regs, 'leaf 5 is zeroed because the TD has no MONITOR (1.ECX[3] = 0)');
        else if (monitor === null) REGS.forEach((_r, i) => (regs[i] = UNKNOWN));
        break;
      }
      case 7:
        if (subleaf === 0) {
          const ebx = regs[1]!;
          if ((ebx.k & 0x810) === 0x810 && ((ebx.v >>> 4) & 1) !== ((ebx.v >>> 11) & 1)) {
            failures.push({
              leaf: 7,
              subleaf: 0,
              reg: 'ebx',
              bits: 0x810,
              configIndex: e.configIndex ?? 0,
              reason: 'hle-rtm',
              message: 'HLE (7.0.EBX[4]) and RTM (7.0.EBX[11]) differ; the module requires them equal',
            });
          }
          const pks = attr('PKS');
          regs[2] = pks ? { v: regs[2]!.v | 0x80000000, k: regs[2]!.k | 0x80000000 } : mask(regs[2]!, 0x7fffffff);
          note(7, 0, 'ecx', 0x80000000, `PKS := ATTRIBUTES.PKS (${pks ? 1 : 0})`);
          regs[2] = mask(regs[2]!, ~(1 << 23) >>> 0);
          note(7, 0, 'ecx', 1 << 23, 'Key Locker is always 0 in a TD');
        } else if (subleaf === 1 && module.lassGating) {
          const lass = attr('LASS');
          regs[0] = lass ? { v: regs[0]!.v | 0x40, k: regs[0]!.k | 0x40 } : mask(regs[0]!, ~0x40 >>> 0);
          note(7, 1, 'eax', 0x40, `LASS := ATTRIBUTES.LASS (${lass ? 1 : 0})`);
        }
        break;
      case 0xa:
        if (!attr('PERFMON')) zeroAll(e, regs, 'leaf 0xA is zeroed: ATTRIBUTES.PERFMON is 0');
        break;
      case 0xd:
        if (subleaf === 0) {
          const xcr0 = xfam & (hostXcr0Supported(host) ?? ~XSS_COMPONENTS) & ~XSS_COMPONENTS;
          const size = xsaveSize(host, xcr0);
          regs[2] = size === null ? UNKNOWN : known(size);
          note(0xd, 0, 'ecx', ALL, 'calculated: maximum XSAVE size for the XFAM components');
        } else if (subleaf === 1) {
          let xfd = false;
          let unknownXfd = false;
          for (let n = 2; n <= 18; n++) {
            if (!xfamBit(n)) continue;
            const b = host.bit(0xd, n, 'ecx', 2);
            if (b === 1) xfd = true;
            if (b === null) unknownXfd = true;
          }
          if (!xfd && !unknownXfd) {
            regs[0] = mask(regs[0]!, ~0x10 >>> 0);
            note(0xd, 1, 'eax', 0x10, 'XFD cleared: no XFAM component supports XFD');
          }
        } else if (subleaf !== null && subleaf >= 2 && !xfamBit(subleaf)) {
          zeroAll(e, regs, `sub-leaf ${subleaf} is zeroed: XFAM[${subleaf}] is 0`);
        }
        break;
      case 0x14:
        if (!xfamBit(8)) zeroAll(e, regs, 'leaf 0x14 (Intel PT) is zeroed: XFAM[8] is 0');
        break;
      case 0x15: {
        const khz = input.tscKhz;
        regs[1] = khz === null ? UNKNOWN : known(Math.floor(khz / 25000));
        note(0x15, null, 'ebx', ALL, 'calculated: TD TSC frequency in units of 25 MHz');
        break;
      }
      case 0x19:
        zeroAll(e, regs, 'leaf 0x19 (Key Locker) is always zeroed');
        break;
      case 0x1a:
        if (attr('MIGRATABLE')) zeroAll(e, regs, 'leaf 0x1A is zeroed: ATTRIBUTES.MIGRATABLE is 1');
        break;
      case 0x1c:
        if (!xfamBit(15)) zeroAll(e, regs, 'leaf 0x1C (Arch LBR) is zeroed: XFAM[15] is 0');
        break;
      case 0x1d:
        if (!xfamBit(17) || !xfamBit(18)) zeroAll(e, regs, 'leaf 0x1D (AMX) is zeroed: XFAM[17] and XFAM[18] are not both 1');
        break;
      case 0x1f: {
        // An all-zero configuration of the topology fields means the hardware values.
        const cdMasks = e.regs.map((m) => m.configDirect);
        const cfg = e.configIndex !== null ? input.config.get(e.configIndex) : undefined;
        const allZero = !cfg || cdMasks.every((m, i) => ((cfg[i]!.v & cfg[i]!.k & m) >>> 0) === 0 && (cfg[i]!.k & m) === m);
        if (allZero) {
          REGS.forEach((r, i) => {
            const m = cdMasks[i]!;
            if (!m) return;
            regs[i] = merge(regs[i]!, host.reg(0x1f, subleaf, r), m);
            note(0x1f, subleaf, r, m, 'not configured: the module uses the hardware topology');
          });
        }
        break;
      }
      case 0x23: {
        const ext = bitOf(7, 1, 'eax', 8);
        if (!attr('PERFMON') || ext === false) zeroAll(e, regs, 'leaf 0x23 is zeroed: needs ATTRIBUTES.PERFMON and 7.1.EAX[8]');
        break;
      }
      case 0x80000008: {
        const v = module.info.parsed;
        if (v.major > 1 || (v.major === 1 && v.minor >= 5)) {
          const la57 = bitOf(7, 0, 'ecx', 16);
          const h = host.reg(0x80000008, null, 'eax');
          let eax = merge(regs[0]!, h, 0xff);
          eax = la57 === null ? { v: eax.v & ~0xff00, k: eax.k & ~0xff00 } : merge(eax, known((la57 ? 57 : 48) << 8), 0xff00);
          regs[0] = eax;
          note(0x80000008, null, 'eax', 0xff, 'physical address width := native MAXPA');
          note(0x80000008, null, 'eax', 0xff00, 'linear address width := 57 with LA57, else 48');
        }
        break;
      }
      default:
        break;
    }
  }

  // 0xB sub-leaves derived from the TD's 0x1F (check_cpuid_1f_and_compute_cpuid_0b).
  const levels = [0, 1, 2, 3, 4, 5].map((n) => get(0x1f, n)).filter((x): x is [Bits, Bits, Bits, Bits] => x !== undefined);
  if (module.get(0xb, 0) && levels.length > 0) {
    let last = 0;
    levels.forEach((l, i) => {
      if (((l[2].v >>> 8) & 0xff) !== 0) last = i;
    });
    const smt = levels[0]!;
    const top = levels[last]!;
    const derived: Record<number, [Bits, Bits, Bits, Bits]> = {
      0: [mask(smt[0], 0x1f), mask(smt[1], 0xffff), known((1 << 8) | 0), ZERO],
      1: [mask(top[0], 0x1f), mask(top[1], 0xffff), known((2 << 8) | 1), ZERO],
      2: [ZERO, ZERO, known(2), ZERO],
    };
    for (const n of [0, 1, 2]) {
      if (!module.get(0xb, n)) continue;
      values.set(leafKeyString({ leaf: 0xb, subleaf: n }), derived[n]!);
      REGS.forEach((r) => note(0xb, n, r, ALL, 'derived from the TD\'s CPUID 0x1F'));
    }
  }

  const stored = new LayerBuilder();
  const visible = new LayerBuilder();
  const faulting: LeafKey[] = [];
  for (const e of module.entries) {
    const regs = values.get(leafKeyString(e))!;
    stored.setEntry(e.leaf, e.subleaf, regs);
    if (e.faulting) faulting.push({ leaf: e.leaf, subleaf: e.subleaf });
    else visible.setEntry(e.leaf, e.subleaf, regs);
  }
  return {
    layer: visible.build(),
    stored: stored.build(),
    faulting,
    configFailures: failures,
    notes,
    attributes,
    xfam,
    tscKhz: input.tscKhz,
  };
}

export { regKey as tdRegKey };
