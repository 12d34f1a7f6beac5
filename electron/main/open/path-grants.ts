// The paths the user has handed to the app: chosen in a dialog, dropped on the window,
// given on the command line or by the OS, or kept in the recent list. The main process
// reads only inside these; a request from the renderer for any other path is refused,
// so a compromised renderer cannot read the user's files at will.

import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

export type GrantKind = 'file' | 'folder';

/** Canonical form: absolute, normalised, symlinks resolved when the path exists. */
export function canonicalPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync.native(abs);
  } catch {
    return abs;
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class PathGrants {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  grant(path: string, kind: GrantKind): void {
    (kind === 'folder' ? this.folders : this.files).add(canonicalPath(path));
  }

  /** True when `path` is a granted file, or lies inside a granted folder. */
  allows(path: string): boolean {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0') || !isAbsolute(path)) return false;
    const p = canonicalPath(path);
    if (this.files.has(p)) return true;
    for (const f of this.folders) if (isInside(f, p)) return true;
    return false;
  }

  revokeAll(): void {
    this.files.clear();
    this.folders.clear();
  }
}
