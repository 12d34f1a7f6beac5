// Number formatting shared by the views: hex with a fixed width so columns align.

/**
 * A layer value: `1`/`0` for bits, hex for fields, `–` when the layer has none. Grid cells
 * are narrow, so fields show their significant hex digits; with `prefix` (the inspector,
 * copied text) the value is padded to the field's width and carries `0x`.
 */
export function formatValue(v: number | null, width: number, prefix = false): string {
  if (v === null) return '–';
  if (width === 1) return String(v);
  const hex = (v >>> 0).toString(16);
  return prefix ? `0x${hex.padStart(Math.ceil(width / 4), '0')}` : hex;
}

export function hex32(v: number | null): string {
  return v === null ? '–'.padEnd(10) : `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

export function hex64(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export function fms(cpu: { family: number | null; model: number | null; stepping: number | null; signature: number | null }): string {
  if (cpu.family === null) return '–';
  const sig = cpu.signature === null ? '' : ` (${(cpu.signature >>> 0).toString(16).toUpperCase()})`;
  return `${cpu.family}/0x${(cpu.model ?? 0).toString(16)}/${cpu.stepping ?? '?'}${sig}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * `13949` → `13,949`. Not toLocaleString: its first call loads the ICU locale data, ~50 ms
 * on the UI thread while the window starts.
 */
export function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) out += (i > 0 && (s.length - i) % 3 === 0 ? ',' : '') + s[i];
  return n < 0 ? `-${out}` : out;
}
