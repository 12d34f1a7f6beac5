// Opens what the user gave: a file, a folder, or a bundle (.tar, .tar.gz/.tgz, .tar.bz2,
// .zip, recognised by their bytes, not their names), and returns the text files inside as
// SourceFiles named `bundle.tgz!/dir/file`. Archives are read in memory: nothing is written
// anywhere. Archives inside archives are opened too, up to `maxNesting` levels.

import { statSync } from 'node:fs';
import type { OpenProblem, OpenResult, OpenedFile } from '../../shared/api/bridge';
import { BundleError, DEFAULT_LIMITS, mib, type BundleLimits } from './limits';
import { compressionOf, decompress } from './decompress';
import { looksLikeTar, readTar, type MemberList } from './tar';
import { looksLikeZip, readZip } from './zip';
import { readFolder } from './folder';
import { readRegularFile } from './regular-file';
import { looksBinary, toOpenedFile } from './source-file';
import { TurnTaker } from './turns';

export type BundleKind = 'zip' | 'tar' | 'tar.gz' | 'tar.bz2' | 'gz' | 'bz2' | null;

/** The archive kind of some bytes, or null for a plain file. Decompresses only a prefix. */
export function archiveKind(bytes: Uint8Array): BundleKind {
  if (looksLikeZip(bytes)) return 'zip';
  if (looksLikeTar(bytes)) return 'tar';
  const c = compressionOf(bytes);
  if (c === 'none') return null;
  return c === 'gzip' ? 'tar.gz' : 'tar.bz2'; // confirmed (or downgraded to gz/bz2) after decompression
}

async function membersOf(name: string, bytes: Uint8Array, limits: BundleLimits): Promise<{ list: MemberList; single?: Uint8Array }> {
  if (looksLikeZip(bytes)) return { list: await readZip(name, bytes, limits) };
  if (compressionOf(bytes) !== 'none') {
    const raw = await decompress(name, bytes, limits);
    if (looksLikeTar(raw)) return { list: await readTar(name, raw, limits) };
    return { list: { members: [], skipped: [] }, single: raw }; // a lone compressed file (dmesg.txt.gz)
  }
  return { list: await readTar(name, bytes, limits) };
}

interface Budget {
  total: number;
  /** Turns of the event loop between members (hashing and decoding them is synchronous). */
  readonly turns: TurnTaker;
}

async function expand(name: string, bytes: Uint8Array, origin: string, limits: BundleLimits, depth: number, budget: Budget, out: OpenResult & { files: OpenedFile[]; problems: OpenProblem[] }): Promise<void> {
  const { list, single } = await membersOf(name, bytes, limits);
  if (single) {
    budget.total += single.length;
    if (budget.total > limits.maxTotalBytes) throw new BundleError(origin, `contents add up to more than the ${mib(limits.maxTotalBytes)} limit`);
    if (looksBinary(single)) out.problems.push({ path: name, message: 'binary file, skipped' });
    else out.files.push(toOpenedFile(name, single, origin));
    return;
  }
  for (const s of list.skipped) out.problems.push({ path: `${name}!/${s.path}`, message: s.message });
  const members = [...list.members].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const m of members) {
    await budget.turns.maybe();
    const path = `${name}!/${m.path}`;
    budget.total += m.bytes.length;
    if (budget.total > limits.maxTotalBytes) throw new BundleError(origin, `contents add up to more than the ${mib(limits.maxTotalBytes)} limit`);
    if (archiveKind(m.bytes)) {
      if (depth + 1 > limits.maxNesting) {
        out.problems.push({ path, message: `archive nested deeper than ${limits.maxNesting} levels, skipped` });
        continue;
      }
      await expand(path, m.bytes, origin, limits, depth + 1, budget, out);
      continue;
    }
    if (m.bytes.length === 0) continue;
    if (looksBinary(m.bytes)) {
      out.problems.push({ path, message: 'binary file, skipped' });
      continue;
    }
    out.files.push(toOpenedFile(path, m.bytes, origin));
  }
}

/** Bytes the user handed over (a dropped file): a plain text file or a bundle. */
export async function openBytes(name: string, bytes: Uint8Array, limits: BundleLimits = DEFAULT_LIMITS): Promise<OpenResult> {
  const out = { files: [] as OpenedFile[], problems: [] as OpenProblem[] };
  if (archiveKind(bytes)) {
    await expand(name, bytes, name, limits, 1, { total: 0, turns: new TurnTaker() }, out);
    return out;
  }
  if (bytes.length > limits.maxEntryBytes) throw new BundleError(name, `${mib(bytes.length)} is more than the ${mib(limits.maxEntryBytes)} per-file limit`);
  if (looksBinary(bytes)) out.problems.push({ path: name, message: 'binary file, skipped' });
  else out.files.push(toOpenedFile(name, bytes, name));
  return out;
}

/** A path: a folder (walked), or a file (plain or bundle). Throws BundleError when refused. */
export async function openPath(path: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<OpenResult> {
  const st = statSync(path);
  if (st.isDirectory()) {
    const list = await readFolder(path, limits);
    const out = { files: [] as OpenedFile[], problems: [] as OpenProblem[] };
    const base = path.replace(/\/+$/, '');
    for (const s of list.skipped) out.problems.push({ path: `${base}/${s.path}`, message: s.message });
    const budget = { total: 0, turns: new TurnTaker() };
    for (const m of list.members) {
      await budget.turns.maybe();
      const p = `${base}/${m.path}`;
      if (archiveKind(m.bytes)) {
        await expand(p, m.bytes, path, limits, 1, budget, out);
        continue;
      }
      if (m.bytes.length === 0) continue;
      if (looksBinary(m.bytes)) out.problems.push({ path: p, message: 'binary file, skipped' });
      else out.files.push(toOpenedFile(p, m.bytes, path));
    }
    return out;
  }
  // Named by the user: a link is followed; type and size are judged on the opened file.
  const r = readRegularFile(path, limits.maxTotalBytes, false);
  if (r.kind === 'not-regular') throw new BundleError(path, 'not a file or folder');
  if (r.kind === 'too-large') throw new BundleError(path, `${mib(r.size)} is more than the ${mib(limits.maxTotalBytes)} limit`);
  return openBytes(path, r.bytes, limits);
}

/** Several paths; a refused bundle becomes a problem, the others still open. */
export async function openPaths(paths: readonly string[], limits: BundleLimits = DEFAULT_LIMITS): Promise<OpenResult> {
  const files: OpenedFile[] = [];
  const problems: OpenProblem[] = [];
  for (const p of paths) {
    try {
      const r = await openPath(p, limits);
      files.push(...r.files);
      problems.push(...r.problems);
    } catch (e) {
      problems.push({ path: p, message: e instanceof BundleError ? e.reason : `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})` });
    }
  }
  return { files, problems };
}
