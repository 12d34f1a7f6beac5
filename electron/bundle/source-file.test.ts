import { describe, expect, it } from 'vitest';
import { decodeBytes } from './source-file';

describe('decodeBytes', () => {
  it('reads ASCII, UTF-8 and (when not UTF-8) Latin-1, from a view into a larger buffer too', () => {
    const ascii = new TextEncoder().encode('xxCPU 0:\r\n   0x00000000 0x00: eax=0x00000020');
    expect(decodeBytes(ascii.subarray(2))).toBe('CPU 0:\r\n   0x00000000 0x00: eax=0x00000020');
    expect(decodeBytes(new TextEncoder().encode('Intel® Xeon®'))).toBe('Intel® Xeon®');
    expect(decodeBytes(new Uint8Array([0x43, 0x50, 0x55, 0xb5]))).toBe('CPUµ');
    // A UTF-8 byte-order mark is not part of the text (TextDecoder drops it).
    expect(decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
    expect(decodeBytes(new Uint8Array([]))).toBe('');
  });
});
