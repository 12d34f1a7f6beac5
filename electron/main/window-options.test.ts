import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutWindowIcon, mainWindowOptions } from './window-options';

describe('window icon', () => {
  it('is the project icon when run from the checkout on Linux and Windows', () => {
    const root = process.cwd();
    expect(checkoutWindowIcon(false, 'linux', root)).toBe(join(root, 'build', 'icons', 'icon.png'));
    expect(checkoutWindowIcon(false, 'win32', root)).toBe(join(root, 'build', 'icons', 'icon.png'));
  });

  it('is left to the package (packaged), to the bundle (macOS), and absent when the checkout has no icon', () => {
    const root = process.cwd();
    expect(checkoutWindowIcon(true, 'linux', root)).toBeUndefined();
    expect(checkoutWindowIcon(false, 'darwin', root)).toBeUndefined();
    const empty = mkdtempSync(join(tmpdir(), 'no-icon-'));
    try {
      expect(checkoutWindowIcon(false, 'linux', empty)).toBeUndefined();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('window options carry the icon only when there is one', () => {
    const spec = { bounds: { x: 0, y: 0, width: 1200, height: 800 }, preload: '/p.cjs', title: 'T', dark: false, dev: false };
    expect('icon' in mainWindowOptions(spec)).toBe(false);
    expect(mainWindowOptions({ ...spec, icon: '/i.png' }).icon).toBe('/i.png');
  });
});
