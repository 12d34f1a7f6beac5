import { describe, expect, it } from 'vitest';
import { SlotAssigner } from './slots';

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('row slots of the virtual grid', () => {
  it('keeps the slot of every row that stays in view and gives the freed slots to the rows that come in', () => {
    const a = new SlotAssigner();
    const first = a.assign(range(0, 40));
    expect([...first.values()].sort((x, y) => x - y)).toEqual(range(0, 40));
    const second = a.assign(range(4, 40)); // scrolled down by four rows
    for (const p of range(4, 36)) expect(second.get(p)).toBe(first.get(p));
    expect(range(40, 4).map((p) => second.get(p)!).sort((x, y) => x - y)).toEqual(range(0, 4).map((p) => first.get(p)!));
  });

  it('gives unique slots below the number of rows in view, however the view jumps or changes size', () => {
    const a = new SlotAssigner();
    for (const [from, n] of [[0, 40], [3, 41], [500, 39], [498, 45], [0, 10], [2, 44]] as const) {
      const slots = [...a.assign(range(from, n)).values()];
      expect(new Set(slots).size).toBe(n);
      expect(Math.max(...slots)).toBeLessThan(n);
    }
  });

  it('reuses the same slots for the same positions (a filter change patches rows in place)', () => {
    const a = new SlotAssigner();
    const before = a.assign(range(0, 30));
    expect(a.assign(range(0, 30))).toEqual(before);
  });
});
