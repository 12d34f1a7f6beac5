import { describe, expect, it } from 'vitest';
import { ingest } from '../../../shared/ingest/ingest';
import { analyze, reconcile } from '../../../shared/engine/reconcile';
import type { ContextOptions } from '../../../shared/engine/types';
import { demoReportFiles } from '../../../shared/ingest/demo';
import type { BitRow, FieldRow } from '../../../shared/engine/types';
import { smallReconciliation } from '../../test/fixtures';
import { analysisView, encodeRows, rowAt, toView, transferables } from './row-table';

function plain(r: BitRow | FieldRow): unknown {
  // Rows compare by their fields; `guestControlled: false` and absent mean the same.
  const { guestControlled, ...rest } = r as BitRow;
  return guestControlled ? { ...rest, guestControlled } : rest;
}

describe('row table', () => {
  it('orders rows as the grid shows them: a field before the bits it starts at', () => {
    const rec = smallReconciliation();
    const t = encodeRows(rec.bits, rec.fields);
    const order = Array.from({ length: t.count }, (_, i) => rowAt(t, i)).map((r) => ('bits' in r ? `${r.leaf}.${r.reg}[${r.bits[1]}:${r.bits[0]}]` : `${r.leaf}.${r.reg}[${r.bit}]`));
    expect(order).toEqual(['1.ecx[3]', '1.ecx[31]', '7.ebx[4]', '7.ebx[11]', '7.ebx[16]', '7.ebx[17]', '23.ebx[16]', '2147483656.eax[7:0]']);
  });

  it('gives back every row of the demo reconciliation as the engine made it', () => {
    const rec = reconcile(ingest(demoReportFiles()).engineInputs, {});
    const view = toView(rec);
    const t = view.rows;
    expect(t.count).toBe(rec.bits.length + rec.fields.length);
    const byKey = new Map<string, BitRow | FieldRow>();
    for (const r of [...rec.bits, ...rec.fields]) byKey.set(`${r.leaf}:${r.subleaf}:${r.reg}:${'bits' in r ? r.bits.join('-') : r.bit}`, r);
    for (let i = 0; i < t.count; i++) {
      const r = rowAt(t, i);
      const original = byKey.get(`${r.leaf}:${r.subleaf}:${r.reg}:${'bits' in r ? r.bits.join('-') : r.bit}`)!;
      expect(plain(r)).toEqual(plain(original));
    }
    // Distinct texts are few: that is what makes the trip to the UI thread cheap.
    expect(t.reasonText.length).toBeLessThan(t.count / 10);
    expect(transferables(t).every((b) => b instanceof ArrayBuffer)).toBe(true);
    expect(view.findings).toBe(rec.findings);
  });

  // The interface writes the table straight from the engine state (no row objects); it must
  // be the very table the rows as objects make, whatever the context changes.
  const contexts: readonly [string, ContextOptions][] = [
    ['the demo as it opens', {}],
    ['module 1.0.05, QEMU -cpu with flags, no PMU', { module: '1.0.05', cpu: 'host,-avx512f,+pks', pmu: false }],
    ['module 2.0.08 with XFAM without AVX-512', { module: '2.0.08', xfam: 0x2e7n }],
  ];
  it.each(contexts)('writes the same table from the engine state as from row objects: %s', (_, options) => {
    const a = analyze(ingest(demoReportFiles()).engineInputs, options);
    const fromState = analysisView(a);
    const fromObjects = toView(a.reconciliation);
    expect(fromState.rows.count).toBe(a.reconciliation.bits.length + a.reconciliation.fields.length);
    expect(fromState.rows).toEqual(fromObjects.rows);
    const { rows: _r1, ...restA } = fromState;
    const { rows: _r2, ...restB } = fromObjects;
    expect(restA).toEqual(restB);
  });
});
