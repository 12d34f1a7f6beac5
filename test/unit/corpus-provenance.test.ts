import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '../fixtures/corpus');

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
}

describe('corpus fixtures', () => {
  const rows = readFileSync(join(dir, 'provenance.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  const byFile = new Map(rows.map((r) => [r[0]!, r]));

  it('every data file has a provenance row with its SHA-256', () => {
    const files = walk(dir)
      .map((f) => relative(dir, f))
      .filter((f) => f !== 'provenance.tsv' && f !== 'README.md');
    expect(files.length).toBeGreaterThan(70);
    for (const f of files) {
      const row = byFile.get(f);
      expect(row, `provenance row for ${f}`).toBeDefined();
      const sha = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
      expect(sha, f).toBe(row![7]);
    }
  });
});
