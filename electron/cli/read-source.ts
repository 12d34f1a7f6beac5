// Reads what the user named on the command line: a file (bytes -> SHA-256 + text, UTF-8 or
// Latin-1), a folder, or a bundle (.tar, .tar.gz/.tgz, .tar.bz2, .zip; see electron/bundle).
// A refused bundle is a usage error (exit 2) with the bundle's reason.

import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import type { OpenProblem } from '../../shared/api/bridge';
import type { SourceFile } from '../../shared/model/source';
import { CliError } from './errors';
import { BundleError } from '../bundle/limits';
import { archiveKind, openPath } from '../bundle/open';
import { decodeBytes, sha256Hex } from '../bundle/source-file';

export { decodeBytes };

/** Inputs larger than this are refused (the largest real dump is under 1 MB). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** A plain file's bytes as a SourceFile: SHA-256 of the bytes, and their text. */
function readPlain(path: string): SourceFile {
  const bytes = readFileSync(path);
  return { path, sha256: sha256Hex(bytes), size: bytes.length, text: decodeBytes(bytes) };
}

export function readSourceFile(path: string): SourceFile {
  const st = statOf(path);
  if (!st.isFile()) throw new CliError(`${path}: not a file`);
  if (st.size > MAX_INPUT_BYTES) throw new CliError(`${path}: ${st.size} bytes is larger than the ${MAX_INPUT_BYTES}-byte input limit`);
  return readPlain(path);
}

export interface ReadSources {
  readonly files: readonly SourceFile[];
  /** Paths the user named that are plain files (their read errors are fatal). */
  readonly explicit: ReadonlySet<string>;
  /** Skipped bundle members (links inside, binary files...). */
  readonly problems: readonly OpenProblem[];
}

/** The first bytes of a file: enough for archiveKind(). */
function headOf(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(1024, size));
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Every path: plain files as themselves, folders and bundles expanded in memory. Files,
 * problems and the first error come in argument order.
 */
export async function readSources(paths: readonly string[]): Promise<ReadSources> {
  const files: SourceFile[] = [];
  const explicit = new Set<string>();
  const problems: OpenProblem[] = [];
  for (const path of paths) {
    const st = statOf(path);
    // A plain file, recognised by its first bytes (a bundle may have any name).
    if (st.isFile() && st.size <= MAX_INPUT_BYTES && !archiveKind(headOf(path, st.size))) {
      files.push(readPlain(path));
      explicit.add(path);
      continue;
    }
    try {
      const opened = await openPath(path);
      for (const f of opened.files) files.push({ path: f.path, sha256: f.sha256, size: f.size, text: f.text });
      problems.push(...opened.problems);
    } catch (e) {
      if (e instanceof BundleError) throw new CliError(e.message);
      throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  return { files, explicit, problems };
}
