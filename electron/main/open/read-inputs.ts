// Reads what the user opened (files, folders, bundles) into an OpenResult. Every path is
// checked against the grants first; every failure becomes a problem entry next to the
// files that did load, never an exception (desktop issue: "unreadable or unrecognised
// files produce a clear, non-blocking message and leave what is loaded intact").

import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { OpenedFile, OpenProblem, OpenResult } from '../../../shared/api/bridge';
import { MAX_INPUT_BYTES } from '../../cli/read-source';
import type { PathGrants } from './path-grants';
import { decodeInputBytes } from './decode';

/** Opens one granted path that is a folder or a bundle (electron/bundle) into files. */
export interface ContainerReader {
  /** True when `path` (with its first bytes) is a container this reader expands. */
  handles(path: string, isFolder: boolean, head: Uint8Array): boolean;
  read(path: string): Promise<OpenResult>;
}

export interface ReadLimits {
  /** Per file (the CLI's limit: real dumps are < 1 MB). */
  readonly maxFileBytes: number;
  /** Sum over one open action, so a stray huge folder cannot exhaust memory. */
  readonly maxTotalBytes: number;
  readonly maxFiles: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxFileBytes: MAX_INPUT_BYTES, maxTotalBytes: 512 * 1024 * 1024, maxFiles: 5000 };

function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no longer exists';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    default:
      return `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

/** A plain file read into an OpenedFile, or the problem that stopped it. */
export function fileFromBytes(path: string, origin: string, bytes: Uint8Array): OpenedFile | OpenProblem {
  const text = decodeInputBytes(bytes);
  if (text === null) return { path, message: 'is a binary file, not a text dump (supported bundles: .zip, .tar, .tar.gz, .tgz, .tar.bz2)' };
  return { path, origin, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, text };
}

export class InputReader {
  constructor(
    private readonly grants: PathGrants,
    private readonly containers: readonly ContainerReader[] = [],
    private readonly limits: ReadLimits = DEFAULT_LIMITS,
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
      const r = await this.openOne(path);
      problems.push(...r.problems);
      for (const f of r.files) {
        if (files.length >= this.limits.maxFiles) {
          problems.push({ path: f.path, message: `skipped: more than ${this.limits.maxFiles} files in one open` });
          continue;
        }
        if (total + f.size > this.limits.maxTotalBytes) {
          problems.push({ path: f.path, message: `skipped: the files opened together exceed ${this.limits.maxTotalBytes} bytes` });
          continue;
        }
        total += f.size;
        files.push(f);
      }
    }
    return { files, problems };
  }

  private async openOne(path: string): Promise<OpenResult> {
    let isFolder: boolean;
    let size: number;
    try {
      const st = await fsp.stat(path);
      if (!st.isFile() && !st.isDirectory()) return { files: [], problems: [{ path, message: 'is not a regular file or folder' }] };
      isFolder = st.isDirectory();
      size = st.size;
    } catch (e) {
      return { files: [], problems: [{ path, message: errnoMessage(e) }] };
    }
    try {
      const head = isFolder ? new Uint8Array(0) : await readHead(path);
      const container = this.containers.find((c) => c.handles(path, isFolder, head));
      if (container) return await container.read(path);
      if (isFolder) return { files: [], problems: [{ path, message: 'is a folder; folders cannot be opened yet' }] };
      if (size > this.limits.maxFileBytes) return { files: [], problems: [{ path, message: `is ${size} bytes, larger than the ${this.limits.maxFileBytes}-byte input limit` }] };
      const r = fileFromBytes(path, path, await fsp.readFile(path));
      return 'text' in r ? { files: [r], problems: [] } : { files: [], problems: [r] };
    } catch (e) {
      return { files: [], problems: [{ path, message: errnoMessage(e) }] };
    }
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  const h = await fsp.open(path, 'r');
  try {
    const buf = new Uint8Array(512);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}
