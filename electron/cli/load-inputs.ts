// Turns the paths on a command line into parsed inputs. Each input's format is detected
// from its content (or forced with --format). Folders and bundles (.tar, .tar.gz/.tgz,
// .tar.bz2, .zip) are opened by electron/bundle and their files classified the same way.

import type { ParsedInput } from '../../shared/formats/types';
import { parseInput } from '../../shared/formats/registry';
import type { SourceFile } from '../../shared/model/source';
import { readSourceFile } from './read-source';

export interface LoadedInput {
  readonly source: SourceFile;
  readonly parsed: ParsedInput;
  readonly format: string;
  readonly confidence: number;
  readonly reason: string;
}

/** Loads one path that names a single file. Throws FormatError or CliError. */
export function loadFile(path: string, forcedFormat?: string): LoadedInput {
  const source = readSourceFile(path);
  const { parsed, format, detection } = parseInput(source.text, path, forcedFormat);
  return { source, parsed, format: format.id, confidence: detection.confidence, reason: detection.reason };
}

/** Loads every path in order. (Folders and bundles: see electron/bundle, ingestion issue.) */
export async function loadInputs(paths: readonly string[], forcedFormat?: string): Promise<LoadedInput[]> {
  return paths.map((p) => loadFile(p, forcedFormat));
}
