// Property-based tests for the ingestion readers: random and mutated inputs never throw
// anything but FormatError, finish in well under a second, and errors carry a line number.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputFormat } from '../../shared/formats/types';
import { FormatError } from '../../shared/model/errors';
import { kvmJson } from '../../shared/formats/kvm-json';
import { kvmSelftestLog } from '../../shared/formats/kvm-selftest-log';
import { kvmCpuidEntries } from '../../shared/formats/kvm-cpuid-entries';
import { qmp } from '../../shared/formats/qmp';
import { dmesg } from '../../shared/formats/dmesg';
import { qemuLog } from '../../shared/formats/qemu-log';
import { qemuCmdline } from '../../shared/formats/qemu-cmdline';

const fx = (f: string): string => readFileSync(`test/fixtures/ingest/${f}`, 'utf8');

const READERS: readonly [InputFormat, string[]][] = [
  [kvmJson, ['kvm-capture-6.16.json', 'kvm-capture-legacy-caps.json']],
  [kvmSelftestLog, ['kvm-selftest-6.16.log', 'kvm-selftest-legacy.log']],
  [kvmCpuidEntries, ['kvm-cpuid-entries-lkml.txt']],
  [qmp, ['qmp-libvirt-style.json', 'qmp-model-expansion.json']],
  [dmesg, ['dmesg-ubuntu-6.8-intel.txt', 'dmesg-T-caller-seamcall.txt', 'dmesg-x-early-tdx.txt']],
  [qemuLog, ['qemu-log-libvirt.log', 'qemu-log-stderr-qemu9.txt']],
  [qemuCmdline, ['qemu-cmdline-oneline.txt', 'qemu-cmdline-continued.sh', 'qemu-cmdline-libvirt-argv.txt']],
];

/** Runs detect and parse; returns the error thrown, if any, after checking its type and time. */
function exercise(format: InputFormat, text: string): void {
  const t0 = performance.now();
  const d = format.detect(text);
  if (d) expect(d.confidence).toBeGreaterThanOrEqual(0);
  try {
    format.parse(text, 'fuzz.txt');
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    expect(typeof (e as FormatError).line).toBe('number');
    expect((e as FormatError).line).toBeGreaterThanOrEqual(0);
    expect((e as FormatError).message).toMatch(/^fuzz\.txt/);
  }
  expect(performance.now() - t0).toBeLessThan(1000);
}

/** A fixture with lines deleted, duplicated, truncated or garbled. */
function mutated(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  return fc
    .array(
      fc.record({
        at: fc.nat(Math.max(0, lines.length - 1)),
        op: fc.constantFrom('drop', 'dup', 'cut', 'garble', 'insert'),
        junk: fc.string({ maxLength: 40 }),
        pos: fc.nat(200),
      }),
      { maxLength: 8 },
    )
    .map((ops) => {
      const out = [...lines];
      for (const o of ops) {
        const i = Math.min(o.at, out.length - 1);
        if (i < 0) break;
        const l = out[i]!;
        if (o.op === 'drop') out.splice(i, 1);
        else if (o.op === 'dup') out.splice(i, 0, l);
        else if (o.op === 'cut') out[i] = l.slice(0, o.pos % (l.length + 1));
        else if (o.op === 'garble') out[i] = l.slice(0, o.pos % (l.length + 1)) + o.junk + l.slice(o.pos % (l.length + 1));
        else out.splice(i, 0, o.junk);
      }
      return out.join('\n');
    });
}

describe('ingestion readers under random and mutated input', () => {
  for (const [format, fixtures] of READERS) {
    it(`${format.id}: random text`, () => {
      fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => exercise(format, s)), { numRuns: 150 });
    });
    it(`${format.id}: mutated fixtures`, () => {
      for (const f of fixtures) fc.assert(fc.property(mutated(fx(f)), (s) => exercise(format, s)), { numRuns: 120 });
    });
  }

  it('a long hostile line does not make the readers slow', () => {
    // ~100 KB: a quadratic reader would need minutes here, a linear one milliseconds.
    const hostile = `${'-cpu '.repeat(5000)}\n${'{"return":['.repeat(1500)}\n${'tdx_cap: '.repeat(5000)}\n${'CPUID[eax='.repeat(5000)}`;
    for (const [format] of READERS) exercise(format, hostile);
  });
});
