// gzip and bzip2 streams decompressed in memory, never past the size limit: zlib's
// maxOutputLength stops gunzip, the bzip2 decoder (bunzip2.ts) stops at the byte after the
// limit. A bomb therefore costs at most maxTotalBytes of memory; nothing touches the disk.
// Neither holds up the thread for long (this runs in Electron's main process too): gunzip
// runs on libuv's thread pool, bzip2 gives the event loop a turn after every block.

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { BundleError, mib, type BundleLimits } from './limits';
import { Bzip2DataError, Bzip2TooLarge, bunzip2 } from './bunzip2';

const gunzipAsync = promisify(gunzip);

export type Compression = 'gzip' | 'bzip2' | 'none';

export function compressionOf(bytes: Uint8Array): Compression {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68 && bytes[3]! >= 0x31 && bytes[3]! <= 0x39) return 'bzip2';
  return 'none';
}

function checkRatio(name: string, inBytes: number, outBytes: number, limits: BundleLimits): void {
  if (outBytes > limits.ratioFloorBytes && outBytes / Math.max(1, inBytes) > limits.maxRatio) {
    throw new BundleError(name, `compression bomb: ${mib(inBytes)} expand to ${mib(outBytes)} (ratio ${Math.round(outBytes / Math.max(1, inBytes))}:1, limit ${limits.maxRatio}:1)`);
  }
}

async function bunzip2Checked(name: string, bytes: Uint8Array, limits: BundleLimits): Promise<Uint8Array> {
  try {
    return await bunzip2(bytes, limits.maxTotalBytes);
  } catch (e) {
    if (e instanceof Bzip2TooLarge) throw new BundleError(name, `the bzip2 stream decompresses to more than the ${mib(limits.maxTotalBytes)} limit (compression bomb?)`);
    if (e instanceof Bzip2DataError) throw new BundleError(name, `damaged bzip2 data (${e.message})`);
    throw e;
  }
}

export async function decompress(name: string, bytes: Uint8Array, limits: BundleLimits): Promise<Uint8Array> {
  const kind = compressionOf(bytes);
  if (kind === 'none') return bytes;
  let out: Uint8Array;
  if (kind === 'gzip') {
    try {
      out = await gunzipAsync(bytes, { maxOutputLength: limits.maxTotalBytes });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw new BundleError(name, `the gzip stream decompresses to more than the ${mib(limits.maxTotalBytes)} limit (compression bomb?)`);
      }
      throw new BundleError(name, `damaged gzip data (${e instanceof Error ? e.message : String(e)})`);
    }
  } else {
    out = await bunzip2Checked(name, bytes, limits);
  }
  checkRatio(name, bytes.length, out.length, limits);
  return out;
}
