// One file read the safe way. What is judged is the file actually opened, not a name looked
// at a moment earlier: the descriptor is opened first, then its type and size are checked
// (a folder member swapped for a link or a FIFO between the listing and the read is not
// followed, and not waited on), and the read stops one byte past the limit, so a file that
// grows while it is read cannot pass the limit either. Synchronous: see turns.ts.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type RegularFileRead =
  | { readonly kind: 'file'; readonly bytes: Uint8Array }
  /** The file has more than the limit (at open, or by the time it was read). */
  | { readonly kind: 'too-large'; readonly size: number }
  /** Not a regular file when opened: a folder, FIFO, socket, device, or (with noFollow) a link. */
  | { readonly kind: 'not-regular' };

/**
 * Reads `path` if it is a regular file of at most `maxBytes`. With `noFollow`, a symbolic link
 * at the last component of the path is not followed (folder members: the walk judged links
 * already). O_NONBLOCK keeps opening a FIFO from waiting for a writer; it does nothing to a
 * regular file. Other errors (ENOENT, EACCES) are thrown as Node gives them.
 */
export function readRegularFile(path: string, maxBytes: number, noFollow: boolean): RegularFileRead {
  let flags = constants.O_RDONLY | constants.O_NONBLOCK;
  if (noFollow) flags |= constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (e) {
    // O_NOFOLLOW on a link fails with ELOOP (Linux, macOS) or EMLINK (FreeBSD).
    const code = (e as NodeJS.ErrnoException).code;
    if (noFollow && (code === 'ELOOP' || code === 'EMLINK')) return { kind: 'not-regular' };
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'not-regular' };
    if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
    // The size at open is a hint: read to the end, and one byte past the limit at most.
    let buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > maxBytes) return { kind: 'too-large', size: length };
        const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(grown, 0, 0, length);
        buf = grown;
      }
      const wanted = buf.length - length;
      const n = readSync(fd, buf, length, wanted, null);
      length += n;
      // A regular file reads short only at its end: no extra call to see the end.
      if (n < wanted) break;
    }
    if (length > maxBytes) return { kind: 'too-large', size: length };
    return { kind: 'file', bytes: buf.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}
