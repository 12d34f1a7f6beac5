// gzip and bzip2 streams decompressed in memory, never past the size limit: zlib's
// maxOutputLength stops gunzip; seek-bzip writes through an output object that refuses
// the byte after the limit. A bomb therefore costs at most maxTotalBytes of memory.

// The declaration travels with this file, so every project that type-checks it finds it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./seek-bzip.d.ts" />
import { gunzipSync } from 'node:zlib';
import Bunzip from 'seek-bzip';
import { BundleError, mib, type BundleLimits } from './limits';

export type Compression = 'gzip' | 'bzip2' | 'none';

export function compressionOf(bytes: Uint8Array): Compression {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68 && bytes[3]! >= 0x31 && bytes[3]! <= 0x39) return 'bzip2';
  return 'none';
}

class TooLarge extends Error {}

function checkRatio(name: string, inBytes: number, outBytes: number, limits: BundleLimits): void {
  if (outBytes > limits.ratioFloorBytes && outBytes / Math.max(1, inBytes) > limits.maxRatio) {
    throw new BundleError(name, `compression bomb: ${mib(inBytes)} expand to ${mib(outBytes)} (ratio ${Math.round(outBytes / Math.max(1, inBytes))}:1, limit ${limits.maxRatio}:1)`);
  }
}

export function decompress(name: string, bytes: Uint8Array, limits: BundleLimits): Uint8Array {
  const kind = compressionOf(bytes);
  if (kind === 'none') return bytes;
  let out: Uint8Array;
  if (kind === 'gzip') {
    try {
      out = gunzipSync(bytes, { maxOutputLength: limits.maxTotalBytes });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw new BundleError(name, `the gzip stream decompresses to more than the ${mib(limits.maxTotalBytes)} limit (compression bomb?)`);
      }
      throw new BundleError(name, `damaged gzip data (${e instanceof Error ? e.message : String(e)})`);
    }
  } else {
    let buf = new Uint8Array(1 << 16);
    let n = 0;
    const sink = {
      writeByte(b: number): void {
        if (n >= limits.maxTotalBytes) throw new TooLarge();
        if (n === buf.length) {
          const next = new Uint8Array(Math.min(buf.length * 2, limits.maxTotalBytes));
          next.set(buf);
          buf = next;
        }
        buf[n++] = b;
      },
    };
    try {
      Bunzip.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), sink, true);
    } catch (e) {
      if (e instanceof TooLarge) throw new BundleError(name, `the bzip2 stream decompresses to more than the ${mib(limits.maxTotalBytes)} limit (compression bomb?)`);
      throw new BundleError(name, `damaged bzip2 data (${e instanceof Error ? e.message : String(e)})`);
    }
    out = buf.subarray(0, n);
  }
  checkRatio(name, bytes.length, out.length, limits);
  return out;
}
