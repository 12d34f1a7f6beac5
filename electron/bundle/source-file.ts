// Bytes -> SourceFile: SHA-256 of the original bytes and text (UTF-8, or Latin-1 when the
// bytes are not valid UTF-8, as in some AIDA64 dumps).

import { Buffer, isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { OpenedFile } from '../../shared/api/bridge';

/**
 * The text of a capture. Pure ASCII (most dumps) reads the same in UTF-8 and Latin-1, and
 * Node makes a one-byte string of it at memory speed; TextDecoder's UTF-8 check costs ~25 ms
 * over the 6 MB of the corpus, so it runs only on the rest.
 */
export function decodeBytes(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function toOpenedFile(path: string, bytes: Uint8Array, origin: string): OpenedFile {
  return { path, sha256: sha256Hex(bytes), size: bytes.length, text: decodeBytes(bytes), origin };
}

/** NUL bytes in the first 8 KiB: not a text capture. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
