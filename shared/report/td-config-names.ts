// Names of TD ATTRIBUTES and XFAM bits, so the context table says "SEPT_VE_DISABLE" and
// "AVX, AVX-512" next to the hex masks.
// The names: shared/knowledge/td-params.ts.

import { ATTRIBUTE_NAMES, xfamName } from '../knowledge/td-params';
import { bits64 } from '../model/address';
import { hex64 } from './text';

function describe(value: bigint, name: (bit: number) => string | undefined): string {
  const set = bits64(value).map((b) => name(b) ?? `bit ${b}`);
  return `${hex64(value)}${set.length ? ` (${set.join(', ')})` : ''}`;
}

/** `0x0000000010000000 (SEPT_VE_DISABLE)` */
export function describeAttributes(value: bigint): string {
  return describe(value, (b) => ATTRIBUTE_NAMES[b]);
}

/** `0x00000000000602e7 (x87, SSE, AVX, ...)` */
export function describeXfam(value: bigint): string {
  return describe(value, xfamName);
}
