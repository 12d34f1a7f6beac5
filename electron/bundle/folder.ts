// A folder walked without following a link: a symbolic link whose target leaves the folder
// refuses the folder; one that stays inside is skipped (its target is read on its own).
// Sockets, FIFOs and devices are skipped. Same limits as archives.
//
// Each file is judged on its opened descriptor (regular-file.ts): a member swapped for a
// link or a FIFO after the listing is not followed, and one that grew is measured as read.
// Reads are synchronous with a turn of the event loop every few milliseconds (turns.ts).

import { lstatSync, readdirSync, readlinkSync, realpathSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BundleError, mib, type BundleLimits } from './limits';
import { readRegularFile } from './regular-file';
import type { MemberList } from './tar';
import { TurnTaker } from './turns';

type EntryKind = 'file' | 'folder' | 'link' | 'other';

/** The entry's type from the listing (d_type); lstat only where the file system gives none. */
function kindOf(entry: Dirent, full: string): EntryKind {
  const st = entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? entry : lstatSync(full);
  return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'folder' : st.isFile() ? 'file' : 'other';
}

export async function readFolder(root: string, limits: BundleLimits): Promise<MemberList> {
  const realRoot = realpathSync(root);
  const out: MemberList = { members: [], skipped: [] };
  const turns = new TurnTaker();
  let count = 0;
  let total = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) throw new BundleError(root, `folders nested deeper than ${limits.maxDepth}`);
    const entries = readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      await turns.maybe();
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (++count > limits.maxEntries) throw new BundleError(root, `more than ${limits.maxEntries} entries (entry flood)`);
      const kind = kindOf(entry, full);
      if (kind === 'link') {
        const target = readlinkSync(full);
        let resolved: string;
        try {
          resolved = realpathSync(resolve(dirname(full), target));
        } catch {
          resolved = resolve(dirname(full), target);
        }
        if (resolved !== realRoot && !resolved.startsWith(realRoot + sep)) {
          throw new BundleError(root, `symbolic link "${rel}" -> "${target}" points outside the folder`);
        }
        out.skipped.push({ path: rel, message: `symbolic link to "${relative(realRoot, resolved).split(sep).join('/')}" not followed (the target is read on its own)` });
      } else if (kind === 'folder') {
        await walk(full, depth + 1);
      } else if (kind === 'file') {
        const r = readRegularFile(full, limits.maxEntryBytes, true);
        if (r.kind === 'too-large') throw new BundleError(root, `file "${rel}" has ${mib(r.size)}, more than the ${mib(limits.maxEntryBytes)} per-file limit`);
        if (r.kind === 'not-regular') {
          out.skipped.push({ path: rel, message: 'no longer a regular file when read, skipped' });
          continue;
        }
        total += r.bytes.length;
        if (total > limits.maxTotalBytes) throw new BundleError(root, `files add up to more than the ${mib(limits.maxTotalBytes)} limit`);
        out.members.push({ path: rel, bytes: r.bytes });
      } else {
        out.skipped.push({ path: rel, message: 'not a regular file, skipped' });
      }
    }
  };
  await walk(root, 0);
  return out;
}
