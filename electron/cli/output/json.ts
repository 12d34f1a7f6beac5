// JSON writers of the engine commands (cli-contract.md): plain unsigned integers, 64-bit
// values as decimal strings only above 2^53, deterministic key order. The reconciliation has
// ~13,000 bit rows, so rows are written one per line with the native JSON.stringify (no
// replacer: rows hold no bigint), and only the small parts go through the bigint-aware path.

import { u64ToJson } from '../../../shared/model/json';

/** Deep copy with bigints converted (cli-contract number convention); Maps become objects. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return u64ToJson(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonSafe(v)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

/**
 * JSON of one array element whose object-valued fields are often shared between elements
 * (reconciliation rows share `values` and `reasons` objects): each shared object is
 * stringified once. Key order is the object's own.
 */
function elementJson(v: unknown, cache: WeakMap<object, string>): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return JSON.stringify(v);
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    let json: string;
    if (x !== null && typeof x === 'object') {
      const hit = cache.get(x);
      if (hit !== undefined) json = hit;
      else {
        json = JSON.stringify(x);
        cache.set(x, json);
      }
    } else json = JSON.stringify(x);
    parts.push(`${JSON.stringify(k)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}

/** `{ "schema": ..., key: value, ... }` with one top-level key per line; `lineArrays` keys get one element per line. */
export function writeDocument(schema: string, parts: readonly (readonly [string, unknown])[], lineArrays: ReadonlySet<string> = new Set()): string {
  const out: string[] = [`{\n  "schema": ${JSON.stringify(schema)}`];
  for (const [key, value] of parts) {
    if (lineArrays.has(key) && Array.isArray(value)) {
      if (value.length === 0) out.push(`,\n  ${JSON.stringify(key)}: []`);
      else {
        const cache = new WeakMap<object, string>();
        out.push(`,\n  ${JSON.stringify(key)}: [\n    ${value.map((v) => elementJson(v, cache)).join(',\n    ')}\n  ]`);
      }
    } else {
      out.push(`,\n  ${JSON.stringify(key)}: ${JSON.stringify(jsonSafe(value))}`);
    }
  }
  out.push('\n}\n');
  return out.join('');
}
