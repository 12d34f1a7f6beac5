// Reads what the user named on the command line: a file (bytes -> SHA-256 + text, UTF-8 or
// Latin-1), a folder, a bundle (.tar, .tar.gz/.tgz, .tar.bz2, .zip; see electron/bundle), or
// `-`, standard input (`ssh host cpuid -r | tdx-cpuid decode -`), which may be a bundle too.
// A refused bundle is a usage error (exit 2) with the bundle's reason.

import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import type { OpenProblem } from '../../shared/api/bridge';
import type { SourceFile } from '../../shared/model/source';
import { CliError } from './errors';
import { BundleError } from '../bundle/limits';
import { archiveKind, openBytes, openPath } from '../bundle/open';
import { decodeBytes, sha256Hex } from '../bundle/source-file';

export { decodeBytes };

/** Inputs larger than this are refused (the largest real dump is under 1 MB). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** The argument that names standard input. */
export const STDIN_ARG = '-';
/** Standard input's name in messages, reports and `--format`/layer overrides. */
export const STDIN_PATH = '<stdin>';

/** The name an argument's file goes by: itself, or STDIN_PATH for `-`. */
export function sourcePathOf(arg: string): string {
  return arg === STDIN_ARG ? STDIN_PATH : arg;
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Some bytes as a SourceFile: SHA-256 of the bytes, and their text. */
function plainSource(path: string, bytes: Uint8Array): SourceFile {
  return { path, sha256: sha256Hex(bytes), size: bytes.length, text: decodeBytes(bytes) };
}

/** Set once standard input was read: a second `-` (also from another call, as diff makes) would find it empty. */
let stdinTaken = false;

/** All of standard input, up to the input limit. A terminal is told how to end it. */
async function readStdin(): Promise<Uint8Array> {
  if (stdinTaken) throw new CliError(`standard input (${STDIN_ARG}) can be read only once`);
  stdinTaken = true;
  if (process.stdin.isTTY) process.stderr.write('tdx-cpuid: reading standard input (end it with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw new CliError(`${STDIN_PATH}: more than the ${MAX_INPUT_BYTES}-byte input limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export interface ReadSources {
  readonly files: readonly SourceFile[];
  /** Paths the user named that are plain files (their read errors are fatal). */
  readonly explicit: ReadonlySet<string>;
  /** Skipped bundle members (links inside, binary files...). */
  readonly problems: readonly OpenProblem[];
}

/** The first bytes of a file: enough for archiveKind(). */
function headOf(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(1024, size));
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Every path: plain files as themselves, folders and bundles expanded in memory. Files,
 * problems and the first error come in argument order.
 */
export async function readSources(paths: readonly string[]): Promise<ReadSources> {
  const files: SourceFile[] = [];
  const explicit = new Set<string>();
  const problems: OpenProblem[] = [];
  for (const path of paths) {
    let stdin: Uint8Array | undefined;
    if (path === STDIN_ARG) {
      stdin = await readStdin();
      if (!archiveKind(stdin)) {
        files.push(plainSource(STDIN_PATH, stdin));
        explicit.add(STDIN_PATH);
        continue;
      }
    } else {
      const st = statOf(path);
      // A plain file, recognised by its first bytes (a bundle may have any name).
      if (st.isFile() && st.size <= MAX_INPUT_BYTES && !archiveKind(headOf(path, st.size))) {
        files.push(plainSource(path, readFileSync(path)));
        explicit.add(path);
        continue;
      }
    }
    try {
      const opened = stdin ? await openBytes(STDIN_PATH, stdin) : await openPath(path);
      for (const f of opened.files) files.push({ path: f.path, sha256: f.sha256, size: f.size, text: f.text });
      problems.push(...opened.problems);
    } catch (e) {
      if (e instanceof BundleError) throw new CliError(e.message);
      throw new CliError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  return { files, explicit, problems };
}
