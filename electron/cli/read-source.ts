// Reads one input file for the CLI: bytes -> SHA-256 + text (UTF-8, or Latin-1 when the
// bytes are not valid UTF-8, as in some AIDA64 dumps).

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { SourceFile } from '../../shared/model/source';
import { CliError } from './errors';

/** Inputs larger than this are refused (the largest real dump is under 1 MB). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function decodeBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export function readSourceFile(path: string): SourceFile {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new CliError(`${path}: not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size > MAX_INPUT_BYTES) throw new CliError(`${path}: ${size} bytes is larger than the ${MAX_INPUT_BYTES}-byte input limit`);
  const bytes = readFileSync(path);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size, text: decodeBytes(bytes) };
}
