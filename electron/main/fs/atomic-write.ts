// Atomic file replacement: the data goes to a temporary file in the same folder (same
// file system, so rename is atomic), is flushed to disk (fsync), and only then renamed
// over the target. A crash or an error at any step leaves the old file as it was; at
// worst a stray temporary file remains, which a later run's write of the same file removes.

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file-system steps of an atomic write, injectable so tests can fail any one step. */
export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<fsp.FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

const realFs: AtomicFs = {
  open: (p, f, m) => fsp.open(p, f, m),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  readdir: (p) => fsp.readdir(p),
};

const TEMP_MARK = '.tmp-';

/** Name of a temporary sibling of `target` (hidden, recognisable, unique). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
}

function isTempOf(target: string, name: string): boolean {
  return name.startsWith(`.${basename(target)}${TEMP_MARK}`);
}

export interface AtomicWriteOptions {
  readonly fs?: AtomicFs;
  /** File mode of a newly created file (default 0o644; settings use 0o600). */
  readonly mode?: number;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? realFs;
  const temp = tempPathFor(target);
  // 'wx': fail rather than follow a symlink or reuse a file someone else created.
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o644);
  let renamed = false;
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    renamed = true;
  } finally {
    if (!renamed) await fs.unlink(temp).catch(() => undefined);
  }
  await syncFolder(dirname(target), fs);
  await removeStaleTemps(target, fs);
}

/** Makes the rename itself durable (POSIX); folders cannot be opened this way on Windows. */
async function syncFolder(folder: string, fs: AtomicFs): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const h = await fs.open(folder, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Durability of the rename is best effort; the data itself is already synced.
  }
}

/**
 * Temporaries left by a crashed earlier run (another pid). Ours (this pid) may belong to a
 * concurrent write of the same file in this process and are left alone; the app holds a
 * single-instance lock, so no other live process writes these files.
 */
async function removeStaleTemps(target: string, fs: AtomicFs): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dirname(target));
  } catch {
    return;
  }
  const mine = `.${basename(target)}${TEMP_MARK}${process.pid}-`;
  for (const name of names) {
    if (isTempOf(target, name) && !name.startsWith(mine)) await fs.unlink(join(dirname(target), name)).catch(() => undefined);
  }
}
