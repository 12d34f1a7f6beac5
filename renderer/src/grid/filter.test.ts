import { describe, expect, it } from 'vitest';
import { buildGridModel } from './model';
import type { GridModel, RowItem } from './model';
import { filterGrid, NO_FILTERS, parseSearch } from './filter';
import type { GridFilters } from './filter';
import { largeReconciliation, smallReconciliation } from '../../test/fixtures';
import { rowName, toView } from '../analysis/row-table';

function shown(model: GridModel, f: Partial<GridFilters>): string[] {
  return filterGrid(model, { ...NO_FILTERS, ...f })
    .indices.map((i) => model.items[i]!)
    .filter((it): it is RowItem => it.kind !== 'group')
    .map((it) => it.address);
}

describe('grid model', () => {
  const model = buildGridModel(toView(smallReconciliation()));

  it('puts a header before each register and orders rows by leaf, sub-leaf, register, bit', () => {
    const labels = model.items.map((i) => (i.kind === 'group' ? `[${i.label}]` : i.address));
    expect(labels).toEqual([
      '[1.ECX]',
      '1.ECX[3]',
      '1.ECX[31]',
      '[7.0.EBX]',
      '7.0.EBX[4]',
      '7.0.EBX[11]',
      '7.0.EBX[16]',
      '7.0.EBX[17]',
      '[0x17.0.EBX]',
      '0x17.0.EBX[16]',
      '[0x80000008.EAX]',
      '0x80000008.EAX[7:0]',
    ]);
    expect(model.rowCount).toBe(8);
  });

  it('computes register values for the headers: host from the bits, TD from the predicted table', () => {
    const g = model.items.find((i) => i.kind === 'group' && i.label === '7.0.EBX');
    expect(g?.kind === 'group' && g.host).toBe((1 << 4) | (1 << 11) | (1 << 16) | (1 << 17));
    expect(g?.kind === 'group' && g.td).toBe(0x00010000);
  });

  it('counts the rows where layers disagree and the rows findings name, as the filters find them', () => {
    for (const m of [model, buildGridModel(toView(largeReconciliation(2_000)))]) {
      expect(m.differences).toBe(filterGrid(m, { ...NO_FILTERS, differencesOnly: true }).rows);
      expect(m.withFindings).toBe(filterGrid(m, { ...NO_FILTERS, findingsOnly: true }).rows);
    }
    expect(model.differences).toBeGreaterThan(0);
    expect(model.withFindings).toBeGreaterThan(0);
  });

  it('attaches findings to the bits they name', () => {
    const hle = model.items[model.byKey.get('7:0:ebx:4')!] as RowItem;
    expect(hle.findings).toEqual([0]);
    const hv = model.items[model.byKey.get('1:-:ecx:31')!] as RowItem;
    expect(hv.findings).toEqual([1]);
  });
});

describe('grid filters', () => {
  const model = buildGridModel(toView(smallReconciliation()));

  it('shows everything without filters, group headers included', () => {
    const f = filterGrid(model, NO_FILTERS);
    expect(f.rows).toBe(8);
    expect(f.indices.length).toBe(12);
  });

  it('searches names by substring', () => {
    expect(shown(model, { text: 'avx512' })).toEqual(['7.0.EBX[16]', '7.0.EBX[17]']);
    expect(shown(model, { text: 'AVX512DQ' })).toEqual(['7.0.EBX[17]']);
  });

  it('searches addresses as engineers write them, from the start of the address', () => {
    expect(shown(model, { text: '7.0.ebx' })).toEqual(['7.0.EBX[4]', '7.0.EBX[11]', '7.0.EBX[16]', '7.0.EBX[17]']);
    expect(shown(model, { text: '7.0.EBX[16]' })).toEqual(['7.0.EBX[16]']);
    expect(shown(model, { text: '7.0.ebx.16' })).toEqual(['7.0.EBX[16]']);
    expect(shown(model, { text: '0x00000007.0.ebx[4]' })).toEqual(['7.0.EBX[4]']);
    expect(shown(model, { text: '0x80000008' })).toEqual(['0x80000008.EAX[7:0]']);
    expect(shown(model, { text: '80000008h' })).toEqual(['0x80000008.EAX[7:0]']);
    expect(shown(model, { text: '0x17.0.ebx' })).toEqual(['0x17.0.EBX[16]']);
    expect(shown(model, { text: '1.ecx[3]' })).toEqual(['1.ECX[3]']);
  });

  it('requires every word to match', () => {
    expect(shown(model, { text: '7.0.ebx avx512f' })).toEqual(['7.0.EBX[16]']);
    expect(shown(model, { text: '1.ecx avx512f' })).toEqual([]);
  });

  it('tells names from addresses', () => {
    expect(parseSearch('f16c')[0]?.addressOnly).toBe(false);
    expect(parseSearch('7.0.ebx')[0]?.addressOnly).toBe(true);
    expect(parseSearch('0x0000000D')[0]).toEqual({ text: '0xd', addressOnly: true });
  });

  it('filters differences, findings, class, leaf and one finding', () => {
    expect(shown(model, { differencesOnly: true })).toEqual(['7.0.EBX[4]', '7.0.EBX[11]']);
    expect(shown(model, { findingsOnly: true })).toEqual(['1.ECX[31]', '7.0.EBX[4]', '7.0.EBX[11]']);
    expect(shown(model, { bitClass: 'FIXED1' })).toEqual(['1.ECX[31]']);
    expect(shown(model, { leaf: '1:-' })).toEqual(['1.ECX[3]', '1.ECX[31]']);
    expect(shown(model, { finding: 1 })).toEqual(['1.ECX[31]']);
  });

  it('keeps a group header only when one of its rows is shown', () => {
    const f = filterGrid(model, { ...NO_FILTERS, text: 'maxphyaddr' });
    expect(f.indices.map((i) => model.items[i]!.kind)).toEqual(['group', 'field']);
  });

  it('filters 10 000 rows (timing: test/bench/ui.bench.ts)', () => {
    const big = buildGridModel(toView(largeReconciliation(10_000)));
    expect(big.rowCount).toBe(10_000);
    // feature_7, feature_70..77, feature_700.. (names on every 7th row)
    const f = filterGrid(big, { ...NO_FILTERS, text: 'feature_7' });
    const names = f.indices.map((i) => big.items[i]!).filter((it): it is RowItem => it.kind !== 'group').map((it) => rowName(big.table, it.index));
    expect(names.length).toBe(f.rows);
    expect(names.every((n) => n!.startsWith('feature_7'))).toBe(true);
    expect(f.rows).toBe([...Array(10_000).keys()].filter((i) => i % 7 === 0 && String(i).startsWith('7')).length);
  });
});
