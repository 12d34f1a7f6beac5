// Named decoding of CPUID tables, in the shape of the CLI contract (`tdx-cpuid/decode/v1`,
// cli-contract.md): leaves, named single-bit features (zeros included), named fields, and
// the fields that differ between the CPUs of a dump.

import type { Reg } from '../../model/address';

export interface DecodedLeaf {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

export interface DecodedFeature {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly bit: number;
  /** Linux /proc/cpuinfo name, else the x86-cpuid-db short name. */
  readonly name: string;
  /** `null` only where the source does not give the bit (`/proc/cpuinfo` flags, templates). */
  readonly value: 0 | 1 | null;
}

export interface DecodedField {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly bits: readonly [number, number];
  readonly name: string;
  readonly value: number | null;
}

export interface HeterogeneousField {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly bits: readonly [number, number];
  /** Name of the bit or field, when the bits form one (absent for unnamed bits). */
  readonly name?: string;
  /**
   * Value per run of CPUs: the key is the first CPU id of a run of consecutive CPUs (in the
   * dump's order) with the same value, as in the contract example `{ "0": 64, "16": 32 }`
   * (CPUs 0-15 have 64, 16 and later 32). `null` = the CPU lacks the leaf.
   */
  readonly cpus: Readonly<Record<string, number | null>>;
}

export interface CpuDecode {
  readonly cpu: number;
  readonly leaves: readonly DecodedLeaf[];
  readonly features: readonly DecodedFeature[];
  readonly fields: readonly DecodedField[];
}

export interface Signatures {
  /** Leaf 0x40000000 signature when CPUID.1:ECX[31] is set ("KVMKVMKVM", "bhyve bhyve"). */
  readonly hypervisor: string | null;
  /** Leaf 0x21 signature as read ("IntelTDX    ") when present, else null. */
  readonly tdx: string | null;
}
