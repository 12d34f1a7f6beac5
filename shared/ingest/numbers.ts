// Number forms found in captures and logs: `0x1f`, `1F`, `31`, JSON integers. The KVM JSON
// schema (docs/kvm-json.md) accepts hex strings or integers for every register and mask.

/** `0x`-prefixed hex or plain decimal, as a 32-bit unsigned number; null when neither or too wide. */
export function parseU32(value: string | number): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : null;
  const t = value.trim();
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(t)) return parseInt(t.slice(2), 16) >>> 0;
  if (/^[0-9]{1,10}$/.test(t)) {
    const n = Number(t);
    return n <= 0xffffffff ? n : null;
  }
  return null;
}

/** `0x`-prefixed hex or plain decimal (or a safe JSON integer), as a 64-bit unsigned bigint. */
export function parseU64(value: string | number): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  const t = value.trim();
  if (/^0[xX][0-9a-fA-F]{1,16}$/.test(t)) return BigInt(t);
  if (/^[0-9]{1,20}$/.test(t)) {
    const n = BigInt(t);
    return n <= 0xffffffffffffffffn ? n : null;
  }
  return null;
}

/** Bare hex without prefix (`fbf`, `C000010000000045`), as used by some kernel prints. */
export function parseBareHex64(value: string): bigint | null {
  const t = value.trim().replace(/^0[xX]/, '');
  return /^[0-9a-fA-F]{1,16}$/.test(t) ? BigInt(`0x${t}`) : null;
}

export function hex64(value: bigint): string {
  return `0x${value.toString(16)}`;
}
