import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../shared/api/commands';
import { acceleratorLabel, matches, parseAccelerator } from './accelerator';
import { commandForKey } from './shortcuts';

function key(code: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}): KeyboardEvent {
  return new KeyboardEvent('keydown', { code, ctrlKey: !!mods.ctrl, metaKey: !!mods.meta, shiftKey: !!mods.shift, altKey: !!mods.alt });
}

describe('accelerators of the command registry', () => {
  it('parses every accelerator in the registry', () => {
    for (const c of COMMANDS) if (c.accelerator) expect(parseAccelerator(c.accelerator), c.accelerator).not.toBeNull();
  });

  it('maps CmdOrCtrl to Ctrl elsewhere and to Cmd on a Mac', () => {
    const m = parseAccelerator('CmdOrCtrl+Shift+P')!;
    expect(matches(m, key('KeyP', { ctrl: true, shift: true }), false)).toBe(true);
    expect(matches(m, key('KeyP', { meta: true, shift: true }), false)).toBe(false);
    expect(matches(m, key('KeyP', { meta: true, shift: true }), true)).toBe(true);
    expect(matches(m, key('KeyP', { ctrl: true }), false)).toBe(false);
  });

  it('matches by key position, so Alt+D works where Alt changes the character', () => {
    expect(commandForKey(key('KeyD', { alt: true }), false)).toBe('grid.filterDifferences');
    expect(commandForKey(key('Digit2', { ctrl: true }), false)).toBe('view.registerMap');
    expect(commandForKey(key('KeyP', { ctrl: true, shift: true }), false)).toBe('palette.open');
    expect(commandForKey(key('KeyQ', { ctrl: true }), false)).toBeNull();
  });

  it('labels shortcuts per platform', () => {
    expect(acceleratorLabel('CmdOrCtrl+Shift+P', false)).toBe('Ctrl+Shift+P');
    expect(acceleratorLabel('CmdOrCtrl+Shift+P', true)).toBe('⌘⇧P');
  });

  it('gives no two commands the same keys', () => {
    const seen = new Map<string, string>();
    for (const c of COMMANDS) {
      if (!c.accelerator) continue;
      const k = JSON.stringify(parseAccelerator(c.accelerator));
      expect(seen.get(k), `${c.id} and ${seen.get(k)}`).toBeUndefined();
      seen.set(k, c.id);
    }
  });
});
