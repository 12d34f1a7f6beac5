// The command registry's accelerators ("CmdOrCtrl+Shift+P", Electron syntax) as key
// matchers for the browser, where no application menu exists to fire them, and as the
// labels the palette and the shortcuts dialog show.

export interface KeyMatcher {
  readonly mod: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  /** KeyboardEvent.code: `KeyP`, `Digit1`, `Comma`... */
  readonly code: string;
}

const NAMED_CODES: Readonly<Record<string, string>> = {
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
  '=': 'Equal',
  '-': 'Minus',
  Plus: 'Equal',
  Escape: 'Escape',
  Enter: 'Enter',
  Space: 'Space',
  Tab: 'Tab',
};

export function parseAccelerator(accelerator: string): KeyMatcher | null {
  const parts = accelerator.split('+').map((p) => p.trim());
  const key = parts.pop();
  if (!key) return null;
  let mod = false;
  let shift = false;
  let alt = false;
  for (const p of parts) {
    const m = p.toLowerCase();
    if (m === 'cmdorctrl' || m === 'commandorcontrol' || m === 'ctrl' || m === 'control' || m === 'cmd' || m === 'command') mod = true;
    else if (m === 'shift') shift = true;
    else if (m === 'alt' || m === 'option') alt = true;
    else return null;
  }
  let code: string | undefined;
  if (/^[a-z]$/i.test(key)) code = `Key${key.toUpperCase()}`;
  else if (/^[0-9]$/.test(key)) code = `Digit${key}`;
  else if (/^F\d{1,2}$/.test(key)) code = key;
  else code = NAMED_CODES[key];
  return code ? { mod, shift, alt, code } : null;
}

export interface KeyLike {
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

export function matches(m: KeyMatcher, e: KeyLike, mac: boolean): boolean {
  const mod = mac ? e.metaKey : e.ctrlKey;
  const other = mac ? e.ctrlKey : e.metaKey;
  return e.code === m.code && mod === m.mod && !other && e.shiftKey === m.shift && e.altKey === m.alt;
}

/** "Ctrl+Shift+P" / "⌘⇧P": how the accelerator reads on this platform. */
export function acceleratorLabel(accelerator: string, mac: boolean): string {
  return accelerator
    .split('+')
    .map((p) => {
      const m = p.toLowerCase();
      if (m === 'cmdorctrl' || m === 'commandorcontrol') return mac ? '⌘' : 'Ctrl';
      if (m === 'shift') return mac ? '⇧' : 'Shift';
      if (m === 'alt' || m === 'option') return mac ? '⌥' : 'Alt';
      return p;
    })
    .join(mac ? '' : '+');
}

export function isMacPlatform(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
