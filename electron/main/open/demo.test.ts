import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDemo } from './demo';

describe('demo bug report', () => {
  it('opens every file of resources/demo (but its README) as demo/<file>, hashed and verbatim', async () => {
    const dir = join(__dirname, '../../../resources/demo');
    const onDisk = readdirSync(dir).filter((f) => !f.endsWith('.md')).sort();
    const r = await loadDemo();
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.path).sort()).toEqual(onDisk.map((f) => `demo/${f}`));
    for (const f of r.files) {
      const bytes = readFileSync(join(dir, f.path.slice('demo/'.length)));
      expect(f.text, f.path).toBe(bytes.toString('utf8'));
      expect(f.sha256, f.path).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.origin).toBe('demo');
    }
  });
});
