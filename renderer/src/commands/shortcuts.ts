// Keyboard shortcuts in a browser, from the same registry the Electron menu uses. In
// Electron the menu's accelerators fire bridge.onCommand instead (installing both would
// run every command twice).

import { COMMANDS } from '../../../shared/api/commands';
import type { CommandId } from '../../../shared/api/commands';
import { isMacPlatform, matches, parseAccelerator } from './accelerator';
import type { KeyMatcher } from './accelerator';

const BINDINGS: readonly { readonly id: CommandId; readonly key: KeyMatcher }[] = COMMANDS.flatMap((c) => {
  const key = c.accelerator ? parseAccelerator(c.accelerator) : null;
  return key ? [{ id: c.id, key }] : [];
});

export function commandForKey(e: KeyboardEvent, mac = isMacPlatform()): CommandId | null {
  for (const b of BINDINGS) if (matches(b.key, e, mac)) return b.id;
  return null;
}

export function installShortcuts(run: (id: CommandId) => void, target: Window = window): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing) return;
    const id = commandForKey(e);
    if (!id) return;
    e.preventDefault();
    e.stopPropagation();
    run(id);
  };
  target.addEventListener('keydown', onKey, true);
  return () => target.removeEventListener('keydown', onKey, true);
}
