import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECENT, RecentList } from './recent-list';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'recent-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RecentList', () => {
  it('puts the newest first, de-duplicates, keeps at most MAX_RECENT, and persists', async () => {
    const file = join(dir, 'recent.json');
    const list = new RecentList(file);
    expect(await list.load()).toEqual([]);
    await list.add(['/a', '/b']);
    await list.add(['/c']);
    expect(await list.add(['/a'])).toEqual(['/a', '/c', '/b']);
    for (let i = 0; i < 20; i++) await list.add([`/f${i}`]);
    expect(list.list()).toHaveLength(MAX_RECENT);
    expect(list.list()[0]).toBe('/f19');
    const again = new RecentList(file);
    expect(await again.load()).toEqual(list.list());
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('removes one entry and clears all, on disk too', async () => {
    const file = join(dir, 'recent.json');
    const list = new RecentList(file);
    await list.add(['/a', '/b']);
    expect(await list.remove('/a')).toEqual(['/b']);
    expect(list.has('/a')).toBe(false);
    await list.clear();
    expect(await new RecentList(file).load()).toEqual([]);
  });

  it('starts empty from a damaged or foreign file instead of failing', async () => {
    const file = join(dir, 'recent.json');
    for (const text of ['{not json', '{"version":2,"paths":[]}', '{"version":1,"paths":[3]}', '[]']) {
      writeFileSync(file, text);
      expect(await new RecentList(file).load()).toEqual([]);
    }
  });
});
