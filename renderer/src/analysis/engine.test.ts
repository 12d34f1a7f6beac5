import { describe, expect, it } from 'vitest';
import { listModules } from '../../../shared/engine/modules';
import { moduleInfo, moduleTable, moduleVersions } from '../../../shared/knowledge/tdx-module/module-table';
import { moduleInfos } from './engine';

describe('module versions for the context bar', () => {
  it('lists every known version with its date, #VE reduction and identical table, as the full tables say', () => {
    const infos = moduleInfos();
    const full = listModules();
    expect(infos.map((m) => m.version)).toEqual(full.map((m) => m.version));
    for (const [i, m] of full.entries()) {
      const note = infos[i]!.note ?? '';
      if (m.date) expect(note).toContain(m.date);
      expect(note.includes('#VE reduction')).toBe(m.veReduction);
      expect(note.includes('same table as')).toBe(m.identicalTo !== null);
    }
    expect(infos.find((m) => m.version === '1.5.09')?.note).toContain('#VE reduction');
  });

  it('a version header read on its own is the one its table carries', () => {
    for (const v of moduleVersions()) expect(moduleTable(v)!.info).toEqual(moduleInfo(v));
    expect(moduleInfo('9.9.99')).toBeUndefined();
  });
});
