// A tar stream read in memory with node-tar's Parser: headers are judged before any data
// is kept (declared size against the limits, so a header that claims 2 GiB is refused at
// once), member names and link targets are checked, and only regular files are returned.

import { Header, Parser, type ReadEntry } from 'tar';
import { BundleError, mib, type BundleLimits } from './limits';
import { checkMemberPath, linkTargetInside } from './member-path';
import { nextTurn } from './turns';

export interface Member {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface MemberList {
  readonly members: Member[];
  /** Members skipped with a reason (links inside the bundle, devices...). */
  readonly skipped: { readonly path: string; readonly message: string }[];
}

/**
 * Walks the raw headers before parsing: node-tar skips member types it does not support
 * (GNU sparse 'S') without an 'entry' event, so their declared size is judged here.
 */
function prescan(name: string, buf: Buffer, limits: BundleLimits): void {
  let off = 0;
  while (off + 512 <= buf.length) {
    if (buf.subarray(off, off + 512).every((b) => b === 0)) return;
    const h = new Header(buf, off);
    if (!h.cksumValid) return; // the parser reports the damage
    const size = h.size ?? 0;
    if (size > limits.maxEntryBytes) throw new BundleError(name, `member "${h.path ?? '?'}" declares ${mib(size)}, more than the ${mib(limits.maxEntryBytes)} per-file limit`);
    off += 512 + Math.ceil(size / 512) * 512;
  }
}

export function readTar(name: string, bytes: Uint8Array, limits: BundleLimits): Promise<MemberList> {
  try {
    prescan(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return new Promise((resolvePromise, reject) => {
    const members: Member[] = [];
    const skipped: MemberList['skipped'] = [];
    let count = 0;
    let declared = 0;
    let failure: Error | null = null;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      if (failure) reject(failure);
      else resolvePromise({ members, skipped });
    };
    const parser = new Parser({ strict: true });
    const fail = (reason: string): void => {
      if (failure) return;
      failure = new BundleError(name, reason);
      settle(); // node-tar emits no 'close' after an abort
      parser.abort(failure);
    };
    parser.on('entry', (entry: ReadEntry) => {
      if (failure) {
        entry.resume();
        return;
      }
      count++;
      if (count > limits.maxEntries) {
        fail(`more than ${limits.maxEntries} members (entry flood)`);
        entry.resume();
        return;
      }
      const check = checkMemberPath(entry.path);
      if (!check.ok) {
        fail(check.reason);
        entry.resume();
        return;
      }
      const path = check.path;
      if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        const target = entry.linkpath ?? '';
        const inside = linkTargetInside(path, target, entry.type === 'Link');
        if (inside === null) fail(`${entry.type === 'Link' ? 'hard link' : 'symbolic link'} "${path}" -> "${target}" points outside the bundle`);
        else skipped.push({ path, message: `${entry.type === 'Link' ? 'hard link' : 'symbolic link'} to "${inside}" not followed (the target is read on its own)` });
        entry.resume();
        return;
      }
      if (entry.type === 'Directory' || entry.meta) {
        entry.resume();
        return;
      }
      // Judge the declared size first, whatever the type (GNU sparse members declare their full size).
      if (entry.size > limits.maxEntryBytes) {
        fail(`member "${path}" declares ${mib(entry.size)}, more than the ${mib(limits.maxEntryBytes)} per-file limit`);
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        skipped.push({ path, message: `${entry.type} member skipped` });
        entry.resume();
        return;
      }
      declared += entry.size;
      if (declared > limits.maxTotalBytes) {
        fail(`members add up to more than the ${mib(limits.maxTotalBytes)} limit`);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let got = 0;
      entry.on('data', (c: Buffer) => {
        got += c.length;
        if (got <= limits.maxEntryBytes) chunks.push(c);
      });
      entry.on('end', () => {
        if (!failure) members.push({ path, bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('warn', (code: string, message: string | Error) => {
      if (code === 'TAR_ENTRY_INVALID' || code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') fail(`damaged tar data (${typeof message === 'string' ? message : message.message})`);
    });
    parser.on('error', (e: Error) => {
      if (!failure) failure = e instanceof BundleError ? e : new BundleError(name, `damaged tar data (${e.message})`);
      settle();
    });
    parser.on('close', settle);
    // Fed in slices with a turn of the event loop after each: the parser works synchronously,
    // and a 135 MB tar handed over at once held Electron's main process for ~0.6 s.
    const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const feed = async (): Promise<void> => {
      for (let off = 0; off < all.length && !failure; off += FEED_BYTES) {
        parser.write(all.subarray(off, Math.min(off + FEED_BYTES, all.length)));
        await nextTurn();
      }
      if (!failure) parser.end();
    };
    feed().catch((e: unknown) => {
      failure ??= e instanceof BundleError ? e : new BundleError(name, `damaged tar data (${e instanceof Error ? e.message : String(e)})`);
      settle();
    });
  });
}

/** Bytes handed to the parser between two turns of the event loop. */
const FEED_BYTES = 4 * 1024 * 1024;

/** "ustar" at offset 257, or an old-style header whose checksum adds up. */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  const magic = String.fromCharCode(...bytes.subarray(257, 262));
  if (magic === 'ustar') return true;
  const chk = String.fromCharCode(...bytes.subarray(148, 156)).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(chk)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : bytes[i]!;
  return sum === parseInt(chk, 8);
}
