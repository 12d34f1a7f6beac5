// Every real CPUID dump of the corpus lands in the right layer: native dumps are the host,
// dumps taken inside a VM (provenance notes: guest, virtualized, Hyper-V, microVM, QEMU) are
// the guest, feature masks and templates are never taken for the host.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openPath } from '../../electron/bundle/open';
import { ingest } from '../../shared/ingest/ingest';
import type { CpuidDump } from '../../shared/model/dump';

const rows = readFileSync('test/fixtures/corpus/provenance.tsv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .map((c) => ({ file: c[0]!, virtual: /guest|virtuali|inside a VM|Hyper-V|microVM/.test(`${c[4]} ${c[9]}`) }));

describe('layer of every corpus CPUID dump', () => {
  it('host or guest as the provenance says; masks and templates never host', async () => {
    let checked = 0;
    let masks = 0;
    for (const { file, virtual } of rows) {
      const opened = await openPath(`test/fixtures/corpus/${file}`);
      const r = ingest(opened.files);
      for (const i of r.inputs) {
        if (i.parsed.kind !== 'cpuid') continue;
        const d = i.parsed as CpuidDump;
        if (d.valueKind === 'values' || d.valueKind === 'flags') {
          expect(`${file}: ${i.role}`).toBe(`${file}: ${virtual ? 'guest' : 'host'}`);
          checked++;
        } else {
          expect(i.role, file).not.toBe('host');
          masks++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
    expect(masks).toBeGreaterThanOrEqual(8);
  });
});
