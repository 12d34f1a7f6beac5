// Turns bytes the browser hands us (File, Blob, bundled demo text) into the SourceFile
// shape the rest of the workbench uses: SHA-256 of the original bytes and decoded text.

import type { DroppedFile, OpenedFile } from '../../../shared/api/bridge';

/** Same limit as the CLI: the largest real dump is under 1 MB. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (some AIDA64 dumps are). */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function openedFromBytes(path: string, bytes: Uint8Array, origin: string): Promise<OpenedFile> {
  return { path, origin, size: bytes.byteLength, sha256: await sha256Hex(bytes), text: decodeBytes(bytes) };
}

export async function openedFromText(path: string, text: string, origin: string): Promise<OpenedFile> {
  return openedFromBytes(path, new TextEncoder().encode(text), origin);
}

/** Bundles are expanded by the desktop shell; the browser asks the user to extract them. */
export function isBundleName(name: string): boolean {
  return /\.(tar|tgz|tar\.gz|tar\.bz2|tbz2|tar\.xz|zip)$/i.test(name);
}

export async function readDroppedFile(file: DroppedFile, origin = file.name): Promise<OpenedFile> {
  if (file.size > MAX_INPUT_BYTES) {
    throw new Error(`${file.name}: ${file.size} bytes is larger than the ${MAX_INPUT_BYTES}-byte input limit`);
  }
  const buffer = await file.arrayBuffer();
  return openedFromBytes(file.name, new Uint8Array(buffer), origin);
}
