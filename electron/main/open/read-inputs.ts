// Reads what the user opened (files, folders, bundles) into an OpenResult. Every path is
// checked against the grants first; folders and bundles (.zip, .tar, .tar.gz/.tgz,
// .tar.bz2) are expanded by electron/bundle with its limits. Every failure becomes a
// problem entry next to the files that did load, never an exception (desktop issue:
// "unreadable or unrecognised files produce a clear, non-blocking message and leave what
// is loaded intact").

import type { OpenedFile, OpenProblem, OpenResult } from '../../../shared/api/bridge';
import { BundleError } from '../../bundle/limits';
import { openBytes, openPath } from '../../bundle/open';
import type { PathGrants } from './path-grants';

/** Opens one path (file, folder or bundle); throws when it is refused as a whole. */
export type PathOpener = (path: string) => Promise<OpenResult>;

export interface ReadLimits {
  /** Sum over one open action (several bundles at once), so memory stays bounded. */
  readonly maxTotalBytes: number;
  readonly maxFiles: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxTotalBytes: 512 * 1024 * 1024, maxFiles: 20_000 };

export function problemOf(path: string, e: unknown): OpenProblem {
  if (e instanceof BundleError) return { path, message: e.reason };
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT'
      ? 'no longer exists'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  return { path, message };
}

/** Bytes of a dropped file that has no disk path: a text file or a bundle. */
export async function openDroppedBytes(name: string, bytes: Uint8Array): Promise<OpenResult> {
  try {
    return await openBytes(name, bytes);
  } catch (e) {
    return { files: [], problems: [problemOf(name, e)] };
  }
}

export class InputReader {
  constructor(
    private readonly grants: PathGrants,
    private readonly opener: PathOpener = (p) => openPath(p),
    private readonly limits: ReadLimits = DEFAULT_READ_LIMITS,
  ) {}

  async open(paths: readonly string[]): Promise<OpenResult> {
    const files: OpenedFile[] = [];
    const problems: OpenProblem[] = [];
    let total = 0;
    for (const path of paths) {
      if (!this.grants.allows(path)) {
        problems.push({ path, message: 'was not opened by you in this session (refused)' });
        continue;
      }
      let r: OpenResult;
      try {
        r = await this.opener(path);
      } catch (e) {
        problems.push(problemOf(path, e));
        continue;
      }
      problems.push(...r.problems);
      for (const f of r.files) {
        if (files.length >= this.limits.maxFiles) {
          problems.push({ path: f.path, message: `skipped: more than ${this.limits.maxFiles} files in one open` });
        } else if (total + f.size > this.limits.maxTotalBytes) {
          problems.push({ path: f.path, message: `skipped: the files opened together exceed ${this.limits.maxTotalBytes} bytes` });
        } else {
          total += f.size;
          files.push(f);
        }
      }
    }
    return { files, problems };
  }
}
