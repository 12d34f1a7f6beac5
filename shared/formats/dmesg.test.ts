import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dmesg } from './dmesg';
import { FormatError } from '../model/errors';

const fx = (f: string): string => readFileSync(`test/fixtures/ingest/${f}`, 'utf8');

describe('dmesg reader', () => {
  it('reads the Ubuntu 6.8 shape: major.minor, build date and number, kernel banner, KVM verdict', () => {
    const d = dmesg.parse(fx('dmesg-ubuntu-6.8-intel.txt'), 'u.txt');
    expect(d.kernelVersion).toBe('6.8.0-1014-intel');
    expect(d.moduleVersion).toBe('1.5');
    expect(d.moduleBuild).toEqual({ number: 698, date: '20240129' });
    expect(d.moduleInitialized).toBe(true);
    expect(d.kvmTdx).toBe('supported');
    expect(d.warnings.some((w) => /update number/.test(w.message))).toBe(true);
    expect(d.events.map((e) => e.line)).toContain(6);
    expect(dmesg.detect(fx('dmesg-ubuntu-6.8-intel.txt'))!.confidence).toBeGreaterThan(0.9);
  });

  it('reads journalctl lines with the five-part version and TDX_FEATURES0', () => {
    const d = dmesg.parse(fx('dmesg-journal-module-version.txt'), 'j.txt');
    expect(d.kernelVersion).toBe('6.17.0-rc4');
    expect(d.moduleVersion).toBe('1.5.06');
    expect(d.moduleBuild).toEqual({ number: 744, date: '20240129' });
    expect(d.tdxFeatures0).toBe(0x1fbfn);
  });

  it('reads dmesg -T with caller ids and both SEAMCALL failure shapes', () => {
    const d = dmesg.parse(fx('dmesg-T-caller-seamcall.txt'), 't.txt');
    expect(d.kernelVersion).toBe('6.16.0');
    expect(d.moduleVersion).toBe('1.5.24');
    expect(d.seamcallFailures).toHaveLength(2);
    expect(d.seamcallFailures[0]).toMatchObject({ line: 5, fn: 'TDH_MNG_INIT', status: 0xc000010000000045n, rcx: 7n });
    expect(d.seamcallFailures[1]).toMatchObject({ line: 6, fn: 'TDH_SYS_RD', status: 0xc000010000000011n, rcx: 0n });
  });

  it('reads the early `tdx:` prefix, dmesg -x levels and features0 in bare hex', () => {
    const d = dmesg.parse(fx('dmesg-x-early-tdx.txt'), 'x.txt');
    expect(d.kernelVersion).toBe('5.19.0-tdx.v19');
    expect(d.moduleVersion).toBe('1.0');
    expect(d.moduleBuild).toEqual({ number: 160, date: '20211209' });
    expect(d.tdxFeatures0).toBe(0xfbfn);
    expect(d.moduleInitialized).toBe(true);
  });

  it('accepts a kernel log without TDX lines with low confidence, and names no module', () => {
    const text = fx('dmesg-no-tdx.txt');
    expect(dmesg.detect(text)!.confidence).toBeLessThan(0.6);
    const d = dmesg.parse(text, 'n.txt');
    expect(d.moduleVersion).toBeUndefined();
    expect(d.kernelVersion).toBe('6.1.0-25-amd64');
  });

  it('does not claim non-kernel text and refuses it with a line number', () => {
    expect(dmesg.detect('hello world\nthis is not a log\n')).toBeNull();
    // Indented JSON is not a kernel log (leading blanks are not a log prefix).
    expect(dmesg.detect(readFileSync('test/fixtures/corpus/firecracker/schema.json', 'utf8'))).toBeNull();
    expect(dmesg.detect(fx('kvm-capture-6.16.json'))).toBeNull();
    const e = (() => {
      try {
        dmesg.parse('\n\nhello world\n', 'h.txt');
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(FormatError);
    expect((e as FormatError).line).toBe(3);
  });
});

describe('dmesg module-version line shapes, one by one', () => {
  const cases: readonly [string, string, { number?: number; date?: string } | undefined][] = [
    ['[   15.960876] virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, build_date 20240129, build_num 698', '1.5', { number: 698, date: '20240129' }],
    ['[    9.1] tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 0, build_date 20211209, build_num 160', '1.0', { number: 160, date: '20211209' }],
    ['[   11.2] virt/tdx: TDX module 1.5.06.00.0744 initialized', '1.5.06', { number: 744 }],
    ['[   11.2] virt/tdx: Module version: 1.5.24', '1.5.24', undefined],
    ['[   11.2] virt/tdx: TDX module version: 1.5.24', '1.5.24', undefined],
    ['[   11.2] virt/tdx: module version: 2.0.08.00.0912 (build_date 20250203).', '2.0.08', { number: 912, date: '20250203' }],
    ['[   11.2] virt/tdx: Module version: 1.5.06.00.0744, build_date: 20240129', '1.5.06', { number: 744, date: '20240129' }],
    ['Mar 03 12:00:09 h kernel: tdx: TDX module version 1.5.6', '1.5.06', undefined],
  ];
  for (const [line, version, build] of cases) {
    it(line.replace(/^\S+ +\S+ /, ''), () => {
      const d = dmesg.parse(`${line}\n`, 'one.txt');
      expect(d.moduleVersion).toBe(version);
      expect(d.moduleBuild).toEqual(build);
    });
  }
});
