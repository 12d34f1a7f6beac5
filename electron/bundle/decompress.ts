// gzip and bzip2 streams decompressed in memory, never past the size limit: zlib's
// maxOutputLength stops gunzip; bzip2 runs through the system's `bzip2 -dc` where there is
// one (its output read from a pipe and the process killed at the byte after the limit;
// nothing touches the disk), else through seek-bzip, writing to an output object that
// refuses the byte after the limit. A bomb therefore costs at most maxTotalBytes of memory.
// The C decoder is ~20x faster than the JavaScript one on the hwloc bundles of the corpus.

// The declaration travels with this file, so every project that type-checks it finds it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./seek-bzip.d.ts" />
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Bunzip from 'seek-bzip';
import { BundleError, mib, type BundleLimits } from './limits';

export type Compression = 'gzip' | 'bzip2' | 'none';

export function compressionOf(bytes: Uint8Array): Compression {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68 && bytes[3]! >= 0x31 && bytes[3]! <= 0x39) return 'bzip2';
  return 'none';
}

export interface DecompressOptions {
  /**
   * The bzip2 program to run, or null for the built-in JavaScript decoder. Default: the
   * system's `bzip2` found on PATH, else the built-in decoder.
   */
  readonly bzip2?: string | null;
}

class TooLarge extends Error {}

function checkRatio(name: string, inBytes: number, outBytes: number, limits: BundleLimits): void {
  if (outBytes > limits.ratioFloorBytes && outBytes / Math.max(1, inBytes) > limits.maxRatio) {
    throw new BundleError(name, `compression bomb: ${mib(inBytes)} expand to ${mib(outBytes)} (ratio ${Math.round(outBytes / Math.max(1, inBytes))}:1, limit ${limits.maxRatio}:1)`);
  }
}

const tooLargeError = (name: string, limits: BundleLimits): BundleError =>
  new BundleError(name, `the bzip2 stream decompresses to more than the ${mib(limits.maxTotalBytes)} limit (compression bomb?)`);

let systemBzip2: string | null | undefined;

/** The `bzip2` program on PATH (looked up once), or null when there is none. */
export function findSystemBzip2(): string | null {
  if (systemBzip2 !== undefined) return systemBzip2;
  systemBzip2 = null;
  const names = process.platform === 'win32' ? ['bzip2.exe'] : ['bzip2'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      try {
        if (statSync(join(dir, n)).isFile()) return (systemBzip2 = join(dir, n));
      } catch {
        // not there
      }
    }
  }
  return systemBzip2;
}

/** `program -dc` over a pipe: the output is collected in memory up to the limit. */
function bunzip2WithProgram(program: string, name: string, bytes: Uint8Array, limits: BundleLimits): Promise<Uint8Array> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > limits.maxTotalBytes) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString('utf8');
    });
    // bzip2 stops reading at damaged data (or when killed): the rest of the input hits a closed pipe.
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      if (tooLarge) return reject(tooLargeError(name, limits));
      // bzip2 ignores junk after the last stream with only a warning; the built-in decoder
      // refuses it, and the same bundle must read the same on every machine.
      if (code === 0 && /trailing garbage/i.test(stderr)) return reject(new BundleError(name, 'damaged bzip2 data (data after the end of the compressed stream)'));
      if (code !== 0) {
        const why = stderr.split('\n').map((l) => l.replace(/^bzip2: (?:\(stdin\): )?/, '').trim()).find((l) => l !== '') ?? `bzip2 exit status ${code}`;
        return reject(new BundleError(name, `damaged bzip2 data (${why})`));
      }
      resolvePromise(Buffer.concat(chunks, size));
    });
    child.stdin.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/** The JavaScript decoder (seek-bzip), for machines without a bzip2 program. */
function bunzip2InProcess(name: string, bytes: Uint8Array, limits: BundleLimits): Uint8Array {
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
  // seek-bzip allocates with the deprecated `new Buffer(n)` (always with a size, so never
  // uninitialised memory); keep Node's DEP0005 warning for it off the user's terminal.
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    Bunzip.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), sink, true);
  } catch (e) {
    if (e instanceof TooLarge) throw tooLargeError(name, limits);
    throw new BundleError(name, `damaged bzip2 data (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    process.noDeprecation = quiet;
  }
  return buf.subarray(0, n);
}

async function bunzip2(name: string, bytes: Uint8Array, limits: BundleLimits, options: DecompressOptions): Promise<Uint8Array> {
  const program = options.bzip2 === undefined ? findSystemBzip2() : options.bzip2;
  if (program === null) return bunzip2InProcess(name, bytes, limits);
  try {
    return await bunzip2WithProgram(program, name, bytes, limits);
  } catch (e) {
    if (e instanceof BundleError) throw e;
    // The program could not be started after all: the built-in decoder still can.
    return bunzip2InProcess(name, bytes, limits);
  }
}

export async function decompress(name: string, bytes: Uint8Array, limits: BundleLimits, options: DecompressOptions = {}): Promise<Uint8Array> {
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
    out = await bunzip2(name, bytes, limits, options);
  }
  checkRatio(name, bytes.length, out.length, limits);
  return out;
}
