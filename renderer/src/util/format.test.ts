import { describe, expect, it } from 'vitest';
import { thousands } from './format';

describe('thousands', () => {
  it('groups digits by three as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 13949, 100000, 1234567, -4200, 2 ** 31]) expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });
});
