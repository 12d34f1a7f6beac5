// Helpers shared by the knowledge generators in build/knowledge/*: where the reference data
// lives, hashing, hex formatting and stable JSON output (so a re-run on the same input gives
// byte-identical files and a clean `git diff`).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** The reference knowledge folder (read-only input). Override with TDX_KNOWLEDGE_DIR. */
export const knowledgeDir = process.env.TDX_KNOWLEDGE_DIR ?? resolve(root, '../shared/knowledge');

export function readSource(name) {
  const path = resolve(knowledgeDir, name);
  const bytes = readFileSync(path);
  return { path, name, sha256: createHash('sha256').update(bytes).digest('hex'), json: JSON.parse(bytes.toString('utf8')) };
}

export function hex(n) {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function parseHex(s) {
  if (typeof s !== 'string' || !/^0x[0-9a-fA-F]+$/.test(s)) throw new Error(`not a hex string: ${JSON.stringify(s)}`);
  return Number.parseInt(s.slice(2), 16) >>> 0;
}

/** Writes JSON with one top-level key per line block; arrays of scalars stay on one line. */
export function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${stringifyCompact(value, 0)}\n`);
}

function stringifyCompact(v, depth) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object' || isFlat(x))) {
      const one = `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      if (one.length <= 160 || depth >= 2) return one;
      return `[\n${v.map((x) => pad + JSON.stringify(x)).join(',\n')}\n${end}]`;
    }
    return `[\n${v.map((x) => pad + stringifyCompact(x, depth + 1)).join(',\n')}\n${end}]`;
  }
  const keys = Object.keys(v);
  if (isFlat(v) && JSON.stringify(v).length <= 160) return JSON.stringify(v);
  if (depth >= 3) return JSON.stringify(v);
  return `{\n${keys.map((k) => `${pad}${JSON.stringify(k)}: ${stringifyCompact(v[k], depth + 1)}`).join(',\n')}\n${end}}`;
}

function isFlat(o) {
  if (o === null || typeof o !== 'object') return true;
  return Object.values(o).every((x) => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object')));
}

export function writeText(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function assert(cond, message) {
  if (!cond) throw new Error(`generator check failed: ${message}`);
}
