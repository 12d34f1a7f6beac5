// A folder walked with lstat, never following a link: a symbolic link whose target leaves
// the folder refuses the folder; one that stays inside is skipped (its target is read on its
// own). Sockets, FIFOs and devices are skipped. Same limits as archives.

import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BundleError, mib, type BundleLimits } from './limits';
import type { MemberList } from './tar';

export function readFolder(root: string, limits: BundleLimits): MemberList {
  const realRoot = realpathSync(root);
  const out: MemberList = { members: [], skipped: [] };
  let count = 0;
  let total = 0;
  const walk = (dir: string, depth: number): void => {
    if (depth > limits.maxDepth) throw new BundleError(root, `folders nested deeper than ${limits.maxDepth}`);
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(root, full).split(sep).join('/');
      if (++count > limits.maxEntries) throw new BundleError(root, `more than ${limits.maxEntries} entries (entry flood)`);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) {
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
      } else if (st.isDirectory()) {
        walk(full, depth + 1);
      } else if (st.isFile()) {
        if (st.size > limits.maxEntryBytes) throw new BundleError(root, `file "${rel}" has ${mib(st.size)}, more than the ${mib(limits.maxEntryBytes)} per-file limit`);
        total += st.size;
        if (total > limits.maxTotalBytes) throw new BundleError(root, `files add up to more than the ${mib(limits.maxTotalBytes)} limit`);
        out.members.push({ path: rel, bytes: readFileSync(full) });
      } else {
        out.skipped.push({ path: rel, message: 'not a regular file, skipped' });
      }
    }
  };
  walk(root, 0);
  return out;
}
