// Names of TD ATTRIBUTES and XFAM bits, so the context table says "SEPT_VE_DISABLE" and
// "AVX, AVX-512" next to the hex masks.
// ATTRIBUTES: Intel TDX Module ABI specification, TD_PARAMS.ATTRIBUTES (bit positions as
// in tdx-cpuid-model.md sections 2.1 and 4: 27 LASS, 28 SEPT_VE_DISABLE, 29 MIGRATABLE,
// 30 PKS, 31 KL, 63 PERFMON; 0 DEBUG).
// XFAM: Intel SDM Vol. 1, 13.1 "XSAVE-supported features and state-component bitmaps".

import { bits64, hex64 } from './text';

const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = {
  0: 'DEBUG',
  27: 'LASS',
  28: 'SEPT_VE_DISABLE',
  29: 'MIGRATABLE',
  30: 'PKS',
  31: 'KL',
  63: 'PERFMON',
};

const XFAM_NAMES: Readonly<Record<number, string>> = {
  0: 'x87',
  1: 'SSE',
  2: 'AVX',
  3: 'BNDREGS',
  4: 'BNDCSR',
  5: 'opmask',
  6: 'ZMM_Hi256',
  7: 'Hi16_ZMM',
  8: 'PT',
  9: 'PKRU',
  10: 'PASID',
  11: 'CET_U',
  12: 'CET_S',
  13: 'HDC',
  14: 'UINTR',
  15: 'LBR',
  16: 'HWP',
  17: 'XTILECFG',
  18: 'XTILEDATA',
  19: 'APX',
};

function describe(value: bigint, names: Readonly<Record<number, string>>): string {
  const set = bits64(value).map((b) => names[b] ?? `bit ${b}`);
  return `${hex64(value)}${set.length ? ` (${set.join(', ')})` : ''}`;
}

/** `0x0000000010000000 (SEPT_VE_DISABLE)` */
export function describeAttributes(value: bigint): string {
  return describe(value, ATTRIBUTE_NAMES);
}

/** `0x00000000000602e7 (x87, SSE, AVX, ...)` */
export function describeXfam(value: bigint): string {
  return describe(value, XFAM_NAMES);
}
