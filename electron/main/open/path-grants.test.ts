import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathGrants } from './path-grants';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'grants-'));
  mkdirSync(join(dir, 'bug', 'logs'), { recursive: true });
  mkdirSync(join(dir, 'bug-other'));
  writeFileSync(join(dir, 'bug', 'logs', 'dmesg.txt'), '');
  writeFileSync(join(dir, 'host.txt'), '');
  writeFileSync(join(dir, 'private.txt'), '');
  writeFileSync(join(dir, 'bug-other', 'x.txt'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PathGrants', () => {
  it('allows a granted file and everything inside a granted folder, nothing else', () => {
    const g = new PathGrants();
    g.grant(join(dir, 'host.txt'), 'file');
    g.grant(join(dir, 'bug'), 'folder');
    expect(g.allows(join(dir, 'host.txt'))).toBe(true);
    expect(g.allows(join(dir, 'bug', 'logs', 'dmesg.txt'))).toBe(true);
    expect(g.allows(join(dir, 'private.txt'))).toBe(false);
    expect(g.allows(join(dir, 'bug-other', 'x.txt'))).toBe(false); // a sibling with the same prefix
    expect(g.allows(join(dir, 'bug', '..', 'private.txt'))).toBe(false);
    expect(g.allows(dir)).toBe(false);
  });

  it('refuses relative paths, empty strings and NUL bytes', () => {
    const g = new PathGrants();
    g.grant(join(dir, 'bug'), 'folder');
    expect(g.allows('bug/logs/dmesg.txt')).toBe(false);
    expect(g.allows('')).toBe(false);
    expect(g.allows(`${join(dir, 'bug', 'logs', 'dmesg.txt')}\0`)).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('follows symlinks: a link inside a granted folder to a file outside is refused', () => {
    const g = new PathGrants();
    g.grant(join(dir, 'bug'), 'folder');
    symlinkSync(join(dir, 'private.txt'), join(dir, 'bug', 'link.txt'));
    expect(g.allows(join(dir, 'bug', 'link.txt'))).toBe(false);
  });

  it('forgets everything on revokeAll', () => {
    const g = new PathGrants();
    g.grant(join(dir, 'host.txt'), 'file');
    g.revokeAll();
    expect(g.allows(join(dir, 'host.txt'))).toBe(false);
  });
});
