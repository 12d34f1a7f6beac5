// Text pasted into the window (Ctrl/Cmd+V anywhere but a text field) becomes an input, as a
// dropped file does: a bug report is mostly pasted text (a `cpuid -r` dump in a comment, the
// QEMU warnings, a command line). The clipboard is read only from the paste event the user's
// keystroke makes; the app asks for no clipboard permission.

import type { OpenResult } from '../../../shared/api/bridge';
import { MAX_INPUT_BYTES, openedFromBytes } from './read-file';

/** True when the paste is meant for a text field (search box, context bar), not for the workbench. */
export function pasteTargetsField(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}

/** `pasted-N.txt` with the first N no loaded input uses. */
export function pastedName(loaded: readonly string[]): string {
  const taken = new Set(loaded);
  let n = 1;
  while (taken.has(`pasted-${n}.txt`)) n++;
  return `pasted-${n}.txt`;
}

/** A loaded input as the paste sees it. */
export interface LoadedFile {
  readonly path: string;
  readonly sha256: string;
}

const PASTED = /^pasted-\d+\.txt$/;

/**
 * Pasted text as an opened file named `pasted-N.txt`, or the reason it is not one. The same
 * text pasted again keeps the name it was given, so the inputs see it as already loaded.
 */
export async function openPasted(text: string, loaded: readonly LoadedFile[]): Promise<OpenResult> {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_INPUT_BYTES) return { files: [], problems: [{ path: pastedName(loaded.map((f) => f.path)), message: `${bytes.length} bytes is larger than the ${MAX_INPUT_BYTES}-byte input limit` }] };
  const opened = await openedFromBytes(pastedName(loaded.map((f) => f.path)), bytes, 'clipboard');
  const again = loaded.find((f) => f.sha256 === opened.sha256 && PASTED.test(f.path));
  return { files: [again ? { ...opened, path: again.path } : opened], problems: [] };
}
