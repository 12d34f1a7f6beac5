import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import { cpuidRFormat, detectCpuidR, parseCpuidR } from './cpuid-r';
import { detectFormat } from './registry';

const dir = join(__dirname, '../../test/fixtures/corpus/etallen_cpuid');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const headerCount = (text: string): number => text.split('\n').filter((l) => /^CPU( \d+)?:$/.test(l)).length;

function expectFormatError(fn: () => unknown, line: number, pattern: RegExp): FormatError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).line).toBe(line);
  expect((err as FormatError).message).toMatch(pattern);
  return err as FormatError;
}

describe('cpuid -r reader on the corpus', () => {
  it('bhyve guest, cpuid -r (2 vCPUs, AMD Turin-like, family 0x1a)', () => {
    const text = read('local_bhyve-guest_AMD-Turin-like_cpuid-r.txt');
    expect(detectFormat(text)?.format.id).toBe('cpuid-r');
    const d = parseCpuidR(text, 'bhyve');
    expect(d.cpus.length).toBe(headerCount(text));
    expect(d.cpus.map((c) => c.label)).toEqual(['CPU 0:', 'CPU 1:']);
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 0x1a, model: 2, stepping: 1, brand: 'Oxide Virtual Turin-like Processor', hypervisor: 'bhyve bhyve' });
    const t = d.cpus[0]!.table;
    // 0x00000007 0x00: ebx=0xf1bb03a9 -> AVX512F (bit 16) set; 0x00000001: ecx=0xfed83203 -> hypervisor (bit 31)
    expect(t.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 })).toBe(1);
    expect(t.bit({ leaf: 1, subleaf: null, reg: 'ecx', bit: 31 })).toBe(1);
    expect(t.get(7, 1)?.eax).toBe(0x30);
    // The APIC ID differs per vCPU (1.EBX[31:24] = 0xa7 on CPU 0).
    expect(t.get(1, null)!.ebx >>> 24).toBe(0xa7);
    expect(d.cpus[1]!.table.get(1, null)!.ebx >>> 24).not.toBe(0xa7);
    // Probe rows 0x20000000, 0x40000100, 0x80860000, 0xc0000000 are zeros out of range: not leaves.
    expect(d.probeEchoes.map((p) => p.leaf)).toEqual([0x20000000, 0x40000100, 0x80860000, 0xc0000000]);
    for (const cpu of d.cpus) for (const l of [0x20000000, 0x40000100, 0x80860000, 0xc0000000]) expect(cpu.table.hasLeaf(l)).toBe(false);
    expect(t.hasLeaf(0x40000000)).toBe(true);
  });

  it('bhyve guest, cpuid -1 -r (CPU: header)', () => {
    const text = read('local_bhyve-guest_AMD-Turin-like_cpuid-1-r.txt');
    const d = parseCpuidR(text, 'bhyve1');
    expect(d.cpus.length).toBe(headerCount(text));
    expect(d.cpus[0]).toMatchObject({ id: 0, label: 'CPU:' });
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 0x1a, model: 2, hypervisor: 'bhyve bhyve' });
  });

  it('Firecracker C3 guest (KVM, template-masked Intel)', () => {
    const text = read('firecracker_c3_guest_cpuid-r.txt');
    const d = parseCpuidR(text, 'c3');
    expect(d.cpus.length).toBe(headerCount(text));
    // 0x00000001 0x00: eax=0x000306e4 -> family 6, model 0x3e, stepping 4
    expect(d.meta).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 0x3e, stepping: 4, brand: 'Intel(R) Xeon(R) Processor @ 2.50GHz', hypervisor: 'KVMKVMKVM' });
    // The C3 template hides AVX-512.
    expect(d.cpus[0]!.table.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 })).toBe(0);
    // On Intel the out-of-range probes return the highest basic leaf: echoes, not leaves.
    expect(d.probeEchoes.map((p) => [p.leaf, p.reason])).toEqual([
      [0x80860000, 'echo-of-max-basic-leaf'],
      [0xc0000000, 'echo-of-max-basic-leaf'],
    ]);
  });

  it('Firecracker T2A guest (KVM on AMD Milan)', () => {
    const text = read('firecracker_t2a_guest_cpuid-r.txt');
    const d = parseCpuidR(text, 't2a');
    expect(d.cpus.length).toBe(headerCount(text));
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 6, model: 0x3f, stepping: 2, brand: 'AMD EPYC', hypervisor: 'KVMKVMKVM' });
  });

  it('refuses the decoded output and says to capture cpuid -r', () => {
    const text = read('local_bhyve-guest_AMD-Turin-like_cpuid-decoded.txt');
    const detected = detectFormat(text);
    expect(detected?.format.id).toBe('cpuid-r');
    const err = expectFormatError(() => parseCpuidR(text, 'decoded.txt'), 2, /decoded output.*capture `cpuid -r`/);
    expect(err.found).toBe('vendor_id = "AuthenticAMD"');
  });
});

describe('cpuid -r pastes', () => {
  const text = read('local_bhyve-guest_AMD-Turin-like_cpuid-r.txt');
  const original = parseCpuidR(text, 'orig');
  const sameAs = (d: CpuidDump): void => {
    expect(d.cpus.length).toBe(original.cpus.length);
    d.cpus.forEach((c, i) => expect(c.table.equals(original.cpus[i]!.table)).toBe(true));
  };
  const lines = text.split('\n');
  const rewrite = (f: (l: string, i: number) => string): string => lines.map(f).join('\n');

  it('re-indented, tab-indented, quoted at any depth, CRLF, trailing blanks', () => {
    sameAs(parseCpuidR(rewrite((l) => l.replace(/^ {3}/, '    ')), 'x'));
    sameAs(parseCpuidR(rewrite((l) => l.replace(/^ {3}/, '\t')), 'x'));
    sameAs(parseCpuidR(rewrite((l) => `> ${l}`), 'x'));
    sameAs(parseCpuidR(rewrite((l) => `>> > ${l}`), 'x'));
    sameAs(parseCpuidR(rewrite((l) => `${l}  \t`).replace(/\n/g, '\r\n'), 'x'));
  });

  it('upper-case hex, missing leading zeros, wide sub-leaf fields', () => {
    sameAs(parseCpuidR(rewrite((l) => l.toUpperCase().replace(/^CPU/, 'CPU').replace(/EAX=0X|EBX=0X|ECX=0X|EDX=0X/g, (m) => m.toLowerCase().replace('0x', '0X'))), 'x'));
    sameAs(parseCpuidR(rewrite((l) => l.replace(/0x0+([0-9a-f])/g, '0x$1')), 'x'));
    sameAs(parseCpuidR(rewrite((l) => l.replace(/ 0x([0-9a-f]{2}):/, ' 0x00$1:')), 'x'));
    const wide = parseCpuidR('CPU 0:\n   0x0000000d 0x100: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n', 'x');
    expect(wide.cpus[0]!.table.get(0xd, 0x100)).toMatchObject({ eax: 1, ebx: 2, ecx: 3, edx: 4 });
  });

  it('soft-wrapped after any register', () => {
    for (const reg of ['eax', 'ebx', 'ecx']) {
      const next = { eax: 'ebx', ebx: 'ecx', ecx: 'edx' }[reg]!;
      sameAs(parseCpuidR(rewrite((l) => l.replace(` ${next}=`, `\n    ${next}=`)), 'x'));
    }
    // After the colon, and quoted mail with the wrap inside the quote.
    const afterColon = rewrite((l) => l.replace(': eax=', ':\n> eax='));
    sameAs(parseCpuidR(afterColon, 'x'));
    expect(detectCpuidR(afterColon)?.confidence).toBeGreaterThan(0.9);
  });

  it('text around the dump is skipped with a warning; the KVM table title lowers detection', () => {
    const d = parseCpuidR(`Here is what I see:\n$ cpuid -r\n${text}\nthanks\n`, 'mail');
    sameAs(d);
    // Two lines of prose, the dump, the blank line after it, then 'thanks'.
    const dumpLines = text.trimEnd().split('\n').length;
    expect(d.warnings.map((w) => w.line)).toEqual([1, 2, 2 + dumpLines + 2]);
    const kvm = 'KVM CPUID Entries:\n    Function   Index Output\n    0x00000000 0x00: eax=0x0000000b ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n    0x00000001 0x00: eax=0x000906ea ebx=0x03000800 ecx=0xfffa3223 edx=0x0f8bfbff\n';
    expect(detectCpuidR(kvm)!.confidence).toBeLessThan(0.5);
    expect(detectCpuidR(text)!.confidence).toBeGreaterThan(0.9);
  });

  it('numbers a repeated CPU header anew and warns', () => {
    const d = parseCpuidR(`CPU:\n${lines.slice(1, 5).join('\n')}\nCPU:\n${lines.slice(1, 5).join('\n')}\n`, 'two');
    expect(d.cpus.map((c) => c.id)).toEqual([0, 1]);
    const d2 = parseCpuidR(`CPU 3:\n${lines.slice(1, 5).join('\n')}\nCPU 3:\n${lines.slice(1, 5).join('\n')}\n`, 'dup');
    expect(d2.cpus.map((c) => c.id)).toEqual([3, 4]);
    expect(d2.warnings[0]!.message).toMatch(/CPU 3 appears twice/);
  });
});

describe('cpuid -r errors', () => {
  it('names the line and what was expected', () => {
    expectFormatError(() => parseCpuidR('CPU 0:\n   0x00000000 0x00: eax=0x0000000d ebx=0x6874754g ecx=0x444d4163 edx=0x69746e65\n', 'f'), 2, /f:2 \(cpuid-r\): expected a space or the end of the line after the ebx value/);
    expectFormatError(() => parseCpuidR('   0x00000000 0x00 eax=0x0000000d ebx=0 ecx=0 edx=0\n', 'f'), 1, /':' after the sub-leaf/);
    expectFormatError(() => parseCpuidR('   0x00000000 0x00: eax=0x0000000d ecx=0 ebx=0 edx=0\n', 'f'), 1, /'ebx='/);
    expectFormatError(() => parseCpuidR('   0x00000000 0x00: eax=0x1000000000 ebx=0 ecx=0 edx=0\n', 'f'), 1, /at most 8 significant digits/);
    expectFormatError(() => parseCpuidR('   0x00000000 0x00: eax=0x0000000d ebx=0\n\n', 'f'), 2, /rest of the register line begun on line 1/);
    expectFormatError(() => parseCpuidR('   0x00000000 0x00: eax=0x0000000d ebx=0', 'f'), 1, /text ends before 'ecx='/);
    expectFormatError(() => parseCpuidR('hello\n  ebx=0x1 ecx=0x2\n', 'f'), 2, /without its leaf/);
  });

  it('line 0 only for an empty file', () => {
    expectFormatError(() => parseCpuidR('', 'f'), 0, /empty file/);
    expectFormatError(() => parseCpuidR('\n \n', 'f'), 0, /empty file/);
    expectFormatError(() => parseCpuidR('\nnothing here\n', 'f'), 2, /found "nothing here"/);
  });

  it('the format entry never throws from detect', () => {
    expect(cpuidRFormat.detect('\u0000'.repeat(10))).toBeNull();
    expect(cpuidRFormat.detect('CPUID 00000000: 00000020-756E6547-6C65746E-49656E69\n')).toBeNull();
  });
});
