// JSON output conventions of the CLI contract: numbers are plain unsigned integers;
// 64-bit masks become decimal strings only where they exceed 2^53.

export function u64ToJson(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString(10);
}

/** JSON.stringify with bigint support (per the convention above) and Maps as objects. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return u64ToJson(v);
      if (v instanceof Map) return Object.fromEntries(v);
      return v;
    },
    indent,
  );
}
