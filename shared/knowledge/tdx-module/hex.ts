// Hex strings of the generated knowledge files ("0006dbe7", "8000000078010001") to numbers (used by
// the tdx-module, kvm and qemu readers).

export function hexU32(s: string): number {
  return Number.parseInt(s, 16) >>> 0;
}

export function hexU64(s: string): bigint {
  return BigInt(`0x${s}`);
}
