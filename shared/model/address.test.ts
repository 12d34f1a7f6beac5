import { describe, expect, it } from 'vitest';
import { bits64, bitsOf, extractField, formatBit, formatField, parseBitAddress } from './address';

describe('bit addresses', () => {
  it('reads the ways engineers write a bit', () => {
    expect(parseBitAddress('7.0.ebx.16')).toEqual({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 });
    expect(parseBitAddress('7.0.EBX[16]')).toEqual({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 });
    expect(parseBitAddress('1.ecx.3')).toEqual({ leaf: 1, subleaf: null, reg: 'ecx', bit: 3 });
    expect(parseBitAddress('0x80000001.edx[11]')).toEqual({ leaf: 0x80000001, subleaf: null, reg: 'edx', bit: 11 });
    expect(parseBitAddress('0xd.1.eax.3')).toEqual({ leaf: 0xd, subleaf: 1, reg: 'eax', bit: 3 });
    expect(parseBitAddress('80000008.eax.0')).toEqual({ leaf: 0x80000008, subleaf: null, reg: 'eax', bit: 0 });
  });

  it('refuses what is not a bit', () => {
    for (const s of ['avx512f', '7.0.ebx.32', '7.0.esi.1', '', 'd.1.eax.3', '7..ebx.1']) expect(parseBitAddress(s)).toBeNull();
  });

  it('prints the model document notation', () => {
    expect(formatBit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 })).toBe('7.0.EBX[16]');
    expect(formatBit({ leaf: 1, subleaf: null, reg: 'ecx', bit: 3 })).toBe('1.ECX[3]');
    expect(formatField({ leaf: 0x80000008, subleaf: null, reg: 'eax', bits: [0, 7] })).toBe('0x80000008.EAX[7:0]');
    expect(formatBit({ leaf: 0xd, subleaf: 1, reg: 'eax', bit: 3 })).toBe('0xD.1.EAX[3]');
  });

  it('extracts fields and lists bits', () => {
    expect(extractField(0x000806f8, [4, 7])).toBe(0xf);
    expect(extractField(0xffffffff, [0, 31])).toBe(0xffffffff);
    expect(bitsOf(0x80000011)).toEqual([0, 4, 31]);
    // TD ATTRIBUTES: SEPT_VE_DISABLE (28), PKS (30) and PERFMON (63); XFAM 0x602e7.
    expect(bits64(0x8000000050000000n)).toEqual([28, 30, 63]);
    expect(bits64(0x602e7n)).toEqual([0, 1, 2, 5, 6, 7, 9, 17, 18]);
    expect(bits64(0n)).toEqual([]);
  });
});
