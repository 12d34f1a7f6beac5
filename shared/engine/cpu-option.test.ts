import { describe, expect, it } from 'vitest';
import { parseCpuOption } from './cpu-option';

describe('QEMU -cpu option', () => {
  it('reads flags in every form QEMU accepts, and the TD-relevant properties', () => {
    const c = parseCpuOption('host,+avx512f,-pks,amx-tile=off,sse4.1,pmu=on,check,enforce=on,tsc-frequency=2000000000');
    expect(c.model).toBe('host');
    expect(c.flags).toEqual([
      { name: 'avx512f', on: true },
      { name: 'pks', on: false },
      { name: 'amx-tile', on: false },
      { name: 'sse4.1', on: true },
    ]);
    expect(c).toMatchObject({ pmu: true, check: true, enforce: true, tscKhz: 2_000_000 });
  });

  it('defaults: host, nothing else', () => {
    expect(parseCpuOption('host')).toMatchObject({ model: 'host', flags: [], check: false, enforce: false, text: 'host' });
    expect(parseCpuOption('')).toMatchObject({ model: 'host' });
  });
});
