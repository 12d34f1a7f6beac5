// Names of archive members, checked before anything is kept: no absolute paths (`/x`, `\x`,
// `C:x`), no `..` segments, no NUL; backslashes count as separators (zip files made on
// Windows). Links are judged by where they point, relative to the member's folder.

import { posix } from 'node:path';

export type MemberPathCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

export function checkMemberPath(raw: string): MemberPathCheck {
  if (raw.includes('\u0000')) return { ok: false, reason: `member name with a NUL byte (${JSON.stringify(raw.split('\u0000').join('\\0'))})` };
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('//')) return { ok: false, reason: `absolute path "${raw}"` };
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, reason: `path traversal "${raw}" (a ".." segment)` };
  return { ok: true, path: segments.join('/') };
}

/** Where a link inside the bundle points, or null when the target leaves the bundle. */
export function linkTargetInside(memberPath: string, target: string, relativeToRoot = false): string | null {
  const t = target.replace(/\\/g, '/');
  if (t.startsWith('/') || /^[A-Za-z]:/.test(t)) return null;
  const base = relativeToRoot ? '' : posix.dirname(memberPath);
  const joined = posix.normalize(posix.join(base === '.' ? '' : base, t));
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return null;
  return joined;
}
