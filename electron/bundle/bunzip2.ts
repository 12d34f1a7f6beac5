// A bzip2 decoder, in process. The hwloc-gather-cpuid bundles of bug reports are .tar.bz2.
// Running the system's `bzip2 -dc` forks the whole process (the CLI, or Electron's main
// process) for every bundle, and the copy-on-write page faults that follow in the parent
// cost more than the decompression (~100 ms for the five corpus bundles in one CLI run);
// seek-bzip, the JavaScript decoder on npm, hands out one byte at a time through a callback
// and takes 60-90 ms on the 2xEpyc bundle (993 KB of tar) where this one takes 25-60. It
// works on typed arrays from the compressed bytes to the output, checks every block's CRC
// and the stream's combined CRC, reads concatenated streams (as `bzip2 -dc` does), refuses
// data after the last stream, and stops at the byte after `maxBytes` (compression bombs).
//
// Format (bzip2 1.0.x, the only one in use; the "randomised" blocks of bzip2 0.9.0 are
// refused): "BZh" + block size digit, then blocks, each: 48-bit magic 0x314159265359,
// CRC32, randomised bit, 24-bit BWT origin, the 16x16 used-byte map, 2..6 Huffman tables
// chosen per 50 symbols by MTF-coded selectors, the symbols (MTF indices with RUNA/RUNB
// zero-run coding), then the inverse BWT and the initial run-length coding (4 equal bytes
// and a count) undone; the stream ends with magic 0x177245385090 and the combined CRC.

import { nextTurn } from './turns';

/** The data is not a valid bzip2 stream; the message says what was wrong. */
export class Bzip2DataError extends Error {
  override readonly name = 'Bzip2DataError';
}

/** The output would pass the limit given to bunzip2(). */
export class Bzip2TooLarge extends Error {
  override readonly name = 'Bzip2TooLarge';
}

const MAX_GROUPS = 6;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
const RUNA = 0;
const RUNB = 1;

/**
 * CRC-32 as bzip2 computes it: polynomial 0x04C11DB7, most significant bit first. Signed
 * 32-bit entries, so that the CRC loop stays in integer arithmetic.
 */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c;
  }
  return t;
})();

/** The inverse-BWT vector, kept between calls (up to 900 000 entries): touched memory is reused. */
let sharedTt: Uint32Array | null = null;

function ttOf(size: number): Uint32Array {
  if (!sharedTt || sharedTt.length < size) sharedTt = new Uint32Array(size);
  return sharedTt;
}

class BitReader {
  pos = 0;
  buf = 0;
  count = 0;
  constructor(readonly data: Uint8Array) {}

  /** Up to 24 bits, most significant first. */
  bits(n: number): number {
    while (this.count < n) {
      if (this.pos >= this.data.length) throw new Bzip2DataError('unexpected end of data');
      this.buf = ((this.buf & 0xffffff) << 8) | this.data[this.pos++]!;
      this.count += 8;
    }
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    return this.bits(1);
  }

  u32(): number {
    return ((this.bits(16) << 16) | this.bits(16)) >>> 0;
  }

  /** Skips to the next byte boundary (the padding after a stream's end). */
  align(): void {
    this.count = 0;
  }
}

/** Canonical Huffman decoding tables of one group (codes assigned by length, then symbol). */
interface HuffmanTable {
  readonly minLen: number;
  readonly maxLen: number;
  /** Per length: the last code of that length (or first - 1 when there is none). */
  readonly limit: Int32Array;
  /** Per length: code value minus this = index into perm. */
  readonly base: Int32Array;
  /** Symbols ordered by code. */
  readonly perm: Uint16Array;
}

function huffmanTable(lengths: Uint8Array, alphaSize: number): HuffmanTable {
  let minLen = MAX_CODE_LEN;
  let maxLen = 0;
  for (let s = 0; s < alphaSize; s++) {
    const l = lengths[s]!;
    if (l < minLen) minLen = l;
    if (l > maxLen) maxLen = l;
  }
  const perm = new Uint16Array(alphaSize);
  const limit = new Int32Array(MAX_CODE_LEN + 2);
  const base = new Int32Array(MAX_CODE_LEN + 2);
  let p = 0;
  let code = 0;
  for (let len = 1; len <= maxLen; len++) {
    const first = p;
    for (let s = 0; s < alphaSize; s++) if (lengths[s] === len) perm[p++] = s;
    const n = p - first;
    base[len] = code - first;
    limit[len] = code + n - 1;
    code = (code + n) << 1;
  }
  return { minLen, maxLen, limit, base, perm };
}

/** Output that grows by doubling, never past the limit. */
class Output {
  bytes: Uint8Array;
  length = 0;
  constructor(
    sizeHint: number,
    private readonly maxBytes: number,
  ) {
    this.bytes = new Uint8Array(Math.max(1024, Math.min(sizeHint, maxBytes)));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    if (need > this.maxBytes) throw new Bzip2TooLarge();
    const next = new Uint8Array(Math.min(Math.max(need, this.bytes.length * 2), this.maxBytes));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** Decodes one block's symbols into tt (bytes in the low 8 bits); returns the block length. */
function readBlockSymbols(r: BitReader, tt: Uint32Array, blockMax: number, byteCount: Int32Array): { nblock: number; origPtr: number } {
  const origPtr = r.bits(24);

  // Which byte values occur: a 16-bit map of 16-value ranges, then 16 bits per range used.
  const seqToUnseq = new Uint8Array(256);
  let numInUse = 0;
  const ranges = r.bits(16);
  for (let i = 0; i < 16; i++) {
    if (!(ranges & (0x8000 >>> i))) continue;
    const used = r.bits(16);
    for (let j = 0; j < 16; j++) if (used & (0x8000 >>> j)) seqToUnseq[numInUse++] = i * 16 + j;
  }
  if (numInUse === 0) throw new Bzip2DataError('a block uses no byte values');
  const alphaSize = numInUse + 2;
  const eob = numInUse + 1;

  const nGroups = r.bits(3);
  if (nGroups < 2 || nGroups > MAX_GROUPS) throw new Bzip2DataError(`${nGroups} Huffman tables (2 to 6 expected)`);
  const nSelectors = r.bits(15);
  if (nSelectors === 0) throw new Bzip2DataError('a block without selectors');

  // Selectors, MTF-coded in unary.
  const selectorMtf = [0, 1, 2, 3, 4, 5];
  const selectors = new Uint8Array(nSelectors);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (r.bit()) {
      if (++j >= nGroups) throw new Bzip2DataError('a selector past the last Huffman table');
    }
    const v = selectorMtf[j]!;
    for (; j > 0; j--) selectorMtf[j] = selectorMtf[j - 1]!;
    selectorMtf[0] = v;
    selectors[i] = v;
  }

  // Code lengths, delta-coded per table.
  const tables: HuffmanTable[] = [];
  const lengths = new Uint8Array(alphaSize);
  for (let g = 0; g < nGroups; g++) {
    let len = r.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw new Bzip2DataError(`a Huffman code length of ${len} (1 to 20 expected)`);
        if (!r.bit()) break;
        len += r.bit() ? -1 : 1;
      }
      lengths[s] = len;
    }
    tables.push(huffmanTable(lengths, alphaSize));
  }

  // The symbols: MTF indices, zero runs as RUNA/RUNB digits (bijective base 2), EOB.
  const mtf = new Uint8Array(256);
  for (let i = 0; i < 256; i++) mtf[i] = i;
  byteCount.fill(0);
  const data = r.data;
  let pos = r.pos;
  let buf = r.buf;
  let count = r.count;
  let nblock = 0;
  let run = 0;
  let runWeight = 1;
  let selector = 0;
  let left = 0;
  let t = tables[0]!;
  for (;;) {
    if (left === 0) {
      if (selector >= nSelectors) throw new Bzip2DataError('more symbols than the selectors cover');
      t = tables[selectors[selector++]!]!;
      left = GROUP_SIZE;
    }
    left--;
    // Huffman decode: read minLen bits, then one more while the code is past the limit.
    let len = t.minLen;
    while (count < len) {
      if (pos >= data.length) throw new Bzip2DataError('unexpected end of data');
      buf = ((buf & 0xffffff) << 8) | data[pos++]!;
      count += 8;
    }
    count -= len;
    let code = (buf >>> count) & ((1 << len) - 1);
    while (code > t.limit[len]!) {
      if (++len > t.maxLen) throw new Bzip2DataError('an invalid Huffman code');
      if (count === 0) {
        if (pos >= data.length) throw new Bzip2DataError('unexpected end of data');
        buf = ((buf & 0xffffff) << 8) | data[pos++]!;
        count = 8;
      }
      count--;
      code = (code << 1) | ((buf >>> count) & 1);
    }
    const sym = t.perm[code - t.base[len]!]!;

    if (sym === RUNA || sym === RUNB) {
      run += runWeight << sym;
      runWeight <<= 1;
      if (run > blockMax) throw new Bzip2DataError('a run longer than the block');
      continue;
    }
    if (run > 0) {
      if (nblock + run > blockMax) throw new Bzip2DataError('a block longer than its declared size');
      const b = seqToUnseq[mtf[0]!]!;
      byteCount[b]! += run;
      tt.fill(b, nblock, nblock + run);
      nblock += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    // MTF index sym - 1: move that entry to the front.
    let k = sym - 1;
    if (k >= numInUse) throw new Bzip2DataError('an MTF index past the used byte values');
    const v = mtf[k]!;
    for (; k > 0; k--) mtf[k] = mtf[k - 1]!;
    mtf[0] = v;
    if (nblock >= blockMax) throw new Bzip2DataError('a block longer than its declared size');
    const b = seqToUnseq[v]!;
    byteCount[b]!++;
    tt[nblock++] = b;
  }
  r.pos = pos;
  r.buf = buf;
  r.count = count;
  if (origPtr >= nblock) throw new Bzip2DataError('the block origin lies outside the block');
  return { nblock, origPtr };
}

/** Inverse BWT and the initial run-length decoding into `out`; returns the block CRC. */
function writeBlock(tt: Uint32Array, nblock: number, origPtr: number, byteCount: Int32Array, out: Output): number {
  // tt[i] low byte = L column; link each position to its successor in the F column.
  const next = new Int32Array(256);
  for (let b = 0, sum = 0; b < 256; b++) {
    next[b] = sum;
    sum += byteCount[b]!;
  }
  for (let i = 0; i < nblock; i++) tt[next[tt[i]! & 0xff]!++]! |= i << 8;

  let crc = -1;
  let p = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  let bytes = out.bytes;
  let n = out.length;
  for (let k = 0; k < nblock; k++) {
    const e = tt[p]!;
    const b = e & 0xff;
    p = e >>> 8;
    if (same === 4) {
      // The byte after four equal bytes is how many more of them follow.
      if (n + b > bytes.length) {
        out.length = n;
        out.reserve(b);
        bytes = out.bytes;
      }
      for (let j = 0; j < b; j++) {
        bytes[n++] = last;
        crc = (crc << 8) ^ CRC_TABLE[(crc >>> 24) ^ last]!;
      }
      same = 0;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    if (n === bytes.length) {
      out.length = n;
      out.reserve(1);
      bytes = out.bytes;
    }
    bytes[n++] = b;
    crc = (crc << 8) ^ CRC_TABLE[(crc >>> 24) ^ b]!;
  }
  out.length = n;
  return ~crc >>> 0;
}

function readStreamHeader(r: BitReader): number {
  const b = r.bits(8);
  const z = r.bits(8);
  const h = r.bits(8);
  const level = r.bits(8) - 0x30;
  if (b !== 0x42 || z !== 0x5a || h !== 0x68 || level < 1 || level > 9) throw new Bzip2DataError('no bzip2 stream header ("BZh1" to "BZh9")');
  return level * 100_000;
}


/**
 * Decompresses bzip2 data (one stream or several concatenated), letting the event loop run
 * after every block (up to 900 KB of output). Rejects with Bzip2DataError for anything that
 * is not valid bzip2, Bzip2TooLarge once the output would pass `maxBytes`. tt is shared
 * between decodes, and a block uses it only between two turns, so decodes that interleave
 * do not disturb each other.
 */
export async function bunzip2(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const r = new BitReader(data);
  const out = new Output(data.length * 8, maxBytes);
  const byteCount = new Int32Array(256);
  let streams = 0;
  while (r.pos < data.length || streams === 0) {
    const blockMax = readStreamHeader(r);
    streams++;
    let combined = 0;
    for (let block = 1; ; block++) {
      const hi = r.bits(24);
      const lo = r.bits(24);
      if (hi === 0x177245 && lo === 0x385090) {
        const stored = r.u32();
        if (stored !== combined) throw new Bzip2DataError(`stream ${streams}: combined CRC mismatch`);
        r.align();
        break;
      }
      if (hi !== 0x314159 || lo !== 0x265359) throw new Bzip2DataError(`stream ${streams}, block ${block}: no block header`);
      const stored = r.u32();
      if (r.bit()) throw new Bzip2DataError('randomised blocks (bzip2 0.9.0 and older) are not supported');
      const tt = ttOf(blockMax);
      const { nblock, origPtr } = readBlockSymbols(r, tt, blockMax, byteCount);
      const crc = writeBlock(tt, nblock, origPtr, byteCount, out);
      if (crc !== stored) throw new Bzip2DataError(`stream ${streams}, block ${block}: CRC mismatch`);
      combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
      await nextTurn();
    }
    // What follows the last stream must be another stream: `bzip2 -dc` only warns about
    // trailing garbage, but the same bundle must read the same everywhere, so it is refused.
    if (r.pos < data.length && data[r.pos] !== 0x42) throw new Bzip2DataError('data after the end of the compressed stream');
  }
  return out.bytes.subarray(0, out.length);
}
