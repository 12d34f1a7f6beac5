// Names of the bits of the two 64-bit TD_PARAMS masks that decide CPUID bits: ATTRIBUTES and
// XFAM. One table, used by rule messages, reports and the interface alike.
// ATTRIBUTES: Intel TDX Module ABI specification, TD_PARAMS.ATTRIBUTES (TDX module
// td_param_attributes_t; tdx-cpuid-model.md sections 2.1 and 4).
// XFAM: Intel SDM vol. 1, 13.1 "XSAVE-supported features and state-component bitmaps".

/** TD ATTRIBUTES bit -> name. */
export const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = {
  0: 'DEBUG',
  6: 'PMT_PROF',
  16: 'ICSSD',
  27: 'LASS',
  28: 'SEPT_VE_DISABLE',
  29: 'MIGRATABLE',
  30: 'PKS',
  31: 'KL',
  62: 'TPA',
  63: 'PERFMON',
};

/** XSAVE state component -> its short name and the feature family it belongs to. */
export const XFAM_COMPONENTS: Readonly<Record<number, { readonly name: string; readonly family?: string }>> = {
  0: { name: 'x87' },
  1: { name: 'SSE' },
  2: { name: 'AVX' },
  3: { name: 'BNDREGS', family: 'MPX' },
  4: { name: 'BNDCSR', family: 'MPX' },
  5: { name: 'opmask', family: 'AVX-512' },
  6: { name: 'ZMM_Hi256', family: 'AVX-512' },
  7: { name: 'Hi16_ZMM', family: 'AVX-512' },
  8: { name: 'PT' },
  9: { name: 'PKRU' },
  10: { name: 'PASID' },
  11: { name: 'CET_U' },
  12: { name: 'CET_S' },
  13: { name: 'HDC' },
  14: { name: 'UINTR' },
  15: { name: 'LBR' },
  16: { name: 'HWP' },
  17: { name: 'XTILECFG', family: 'AMX' },
  18: { name: 'XTILEDATA', family: 'AMX' },
  19: { name: 'APX' },
};

/** `opmask` (component 5), or undefined for a reserved component. */
export function xfamName(n: number): string | undefined {
  return XFAM_COMPONENTS[n]?.name;
}

/** `AVX-512 opmask`: the name with its feature family, for explanations. */
export function xfamTitle(n: number): string | undefined {
  const c = XFAM_COMPONENTS[n];
  return c && (c.family ? `${c.family} ${c.name}` : c.name);
}
