import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDetectContract, expectReaderContract, junkArb, mutatedTextArb } from '../../test/fuzz/text-mutations';
import { FormatError } from '../model/errors';
import { firecrackerFormat, parseFirecrackerBitmap } from './firecracker';

const corpus = join(__dirname, '../../test/fixtures/corpus/firecracker');
const samples = readdirSync(corpus)
  .filter((n) => n.endsWith('.json'))
  .map((n) => readFileSync(join(corpus, n), 'utf8'));

const check = (text: string): void => {
  expectDetectContract(text, firecrackerFormat.detect);
  const out = expectReaderContract(text, (t) => firecrackerFormat.parse(t, 't.json'));
  if (!(out instanceof FormatError)) {
    expect(out.cpus).toHaveLength(1);
    const cpu = out.cpus[0]!;
    if (out.valueKind === 'ternary') expect(cpu.known?.keys).toEqual(cpu.table.keys);
    else expect(out.valueKind).toBe('values');
  }
};

describe('Firecracker reader on arbitrary and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), junkArb), check), { numRuns: 300 });
  });

  it('random JSON values, including template-shaped ones', () => {
    const leafStr = fc.oneof(fc.nat().map((n) => `0x${n.toString(16)}`), fc.constantFrom('0b101', '7', '0x', '0xffffffffff', ''));
    const modifier = fc.record({ register: fc.constantFrom('eax', 'ebx', 'ecx', 'edx', 'ekx'), bitmap: fc.stringMatching(/^(0b)?[01x_]{0,36}$/) });
    const entry = fc.record(
      { leaf: leafStr, subleaf: leafStr, flags: fc.oneof(fc.constantFrom(0, 1), fc.integer(), fc.double()), modifiers: fc.array(modifier, { maxLength: 4 }) },
      { requiredKeys: ['leaf'] },
    );
    const template = fc.record({ cpuid_modifiers: fc.array(entry, { maxLength: 6 }) });
    const anyJson = fc.oneof(template, fc.record({ guest_cpu_config: template, kernel_version: fc.string() }), fc.jsonValue());
    fc.assert(fc.property(anyJson, fc.boolean(), (v, pretty) => check(JSON.stringify(v, null, pretty ? 2 : undefined))), { numRuns: 400 });
  });

  it('bitmaps: random strings never throw and respect the width', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom(32 as const, 64 as const), (s, width) => {
        const r = parseFirecrackerBitmap(s, width);
        if (typeof r !== 'string') {
          expect(r.known < 1n << BigInt(width)).toBe(true);
          expect(r.value & ~r.known).toBe(0n);
        }
      }),
    );
  });

  it('deep nesting and long strings stay fast', () => {
    check('['.repeat(100000));
    check(`{"cpuid_modifiers": [${'{"leaf": "0x1", "subleaf": "0x0", "flags": 0, "modifiers": []},'.repeat(5000)}{}]}`);
    check(`"${'a'.repeat(500000)}`);
  });

  it('mutations of every corpus file', () => {
    for (const base of samples) fc.assert(fc.property(mutatedTextArb(base), check), { numRuns: 60 });
  });
});
