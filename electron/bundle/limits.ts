// Limits that keep a hostile bundle from exhausting memory or time. Archives are read in
// memory and nothing is ever written to disk, so the limits are the whole defence against
// zip bombs, sparse giants and entry floods; path and link checks keep the listing honest.

export interface BundleLimits {
  /** Members (files, folders, links) in one archive or folder tree. */
  readonly maxEntries: number;
  /** Bytes of one member after decompression. */
  readonly maxEntryBytes: number;
  /** Bytes of all members together after decompression (and of a decompressed stream). */
  readonly maxTotalBytes: number;
  /** Decompressed/compressed ratio above which a large member or stream is a bomb. */
  readonly maxRatio: number;
  /** The ratio is judged only above this many decompressed bytes (small files compress well). */
  readonly ratioFloorBytes: number;
  /** Archives inside archives (an hwloc .tar.bz2 inside a report .tgz). */
  readonly maxNesting: number;
  /** Folder depth when walking a folder. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxRatio: 500,
  ratioFloorBytes: 8 * 1024 * 1024,
  maxNesting: 2,
  maxDepth: 16,
};

/** A bundle refused as a whole; the message says which member and why. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(
    readonly bundle: string,
    readonly reason: string,
  ) {
    super(`${bundle}: refused: ${reason}`);
  }
}

export function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${bytes} bytes`;
}
