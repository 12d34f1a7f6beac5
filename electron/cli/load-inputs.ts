// Turns the paths on a command line into classified inputs: files, folders and bundles are
// read (electron/bundle), every file is classified by content into a format and a layer
// (shared/ingest), and the result carries the EngineInputs the reconciliation needs.
// `--format NAME` forces the format of the files named directly; `--host F`-style flags
// force layers (overridesFromFlags).

import type { ParsedInput } from '../../shared/formats/types';
import type { SourceFile } from '../../shared/model/source';
import type { OpenProblem } from '../../shared/api/bridge';
import type { FeedId, IngestOverride, IngestResult, Role } from '../../shared/ingest/types';
import { parseInput } from '../../shared/formats/registry';
import { ingest } from '../../shared/ingest/ingest';
import { readSources, sourcePathOf } from './read-source';

export interface LoadedInput {
  readonly source: SourceFile;
  readonly parsed: ParsedInput;
  readonly format: string;
  readonly confidence: number;
  readonly reason: string;
  /** The layer (or `context`) the classifier assigned, and why. */
  readonly role: Role;
  readonly roleReason: string;
  readonly feeds: readonly FeedId[];
  /** All files the input was read from (several for hwloc `puN` files). */
  readonly sources: readonly SourceFile[];
}

export interface LoadedReport {
  readonly inputs: readonly LoadedInput[];
  /** Classification, conflicts, manifest and `engineInputs` (shared/engine EngineInputs). */
  readonly ingest: IngestResult;
  /** Bundle members skipped or not recognised: shown, not fatal. */
  readonly problems: readonly OpenProblem[];
}

export interface LoadOptions {
  /** Forces the format of every file named directly (not of bundle members). */
  readonly format?: string;
  /** Per-path format/layer overrides (paths as SourceFile.path). */
  readonly overrides?: Readonly<Record<string, IngestOverride>>;
}

/**
 * Loads every path (files, folders, bundles) and classifies the lot. A file named directly
 * that no reader takes is an error (FormatError, exit 2); a bundle member that none takes
 * is listed in `problems`.
 */
export async function loadReport(paths: readonly string[], options: LoadOptions = {}): Promise<LoadedReport> {
  const read = await readSources(paths);
  const overrides: Record<string, IngestOverride> = {};
  if (options.format) for (const p of read.explicit) overrides[p] = { format: options.format };
  for (const [p, o] of Object.entries(options.overrides ?? {})) overrides[p] = { ...overrides[p], ...o };
  const result = ingest(read.files, { overrides });
  for (const u of result.unrecognized) {
    if (!read.explicit.has(u.path) || /^(?:binary|empty) file/.test(u.message)) continue;
    // Re-read to throw the reader's own FormatError (file, line, expected).
    const source = read.files.find((f) => f.path === u.path)!;
    parseInput(source.text, source.path, overrides[u.path]?.format);
  }
  const inputs = result.inputs.map((i) => ({
    source: i.sources[0]!,
    parsed: i.parsed,
    format: i.format,
    confidence: i.detection.confidence,
    reason: i.detection.reason,
    role: i.role,
    roleReason: i.roleReason,
    feeds: i.feeds,
    sources: i.sources,
  }));
  const problems = [...read.problems, ...result.unrecognized.map((u) => ({ path: u.path, message: u.message }))];
  return { inputs, ingest: result, problems };
}

/** Loads every path in order (files, folders and bundles). */
export async function loadInputs(paths: readonly string[], forcedFormat?: string): Promise<LoadedInput[]> {
  const r = await loadReport(paths, forcedFormat ? { format: forcedFormat } : {});
  return [...r.inputs];
}

/** The reconcile command's layer flags (cli-contract.md): `--host F`, `--td-cpuid F`, ... */
export interface LayerFlags {
  readonly host?: readonly string[];
  readonly kvmSupported?: readonly string[];
  readonly tdxCaps?: readonly string[];
  readonly initVm?: readonly string[];
  readonly tdCpuid?: readonly string[];
  readonly setCpuid?: readonly string[];
  readonly guest?: readonly string[];
  readonly dmesg?: readonly string[];
  readonly qemuLog?: readonly string[];
  readonly qemuCmdline?: readonly string[];
}

const FLAG_OVERRIDE: Readonly<Record<keyof LayerFlags, IngestOverride>> = {
  host: { role: 'host' },
  kvmSupported: { role: 'kvmSupported' },
  tdxCaps: { role: 'tdxCaps' },
  initVm: { role: 'initVm' },
  tdCpuid: { role: 'td' },
  setCpuid: { role: 'setCpuid' },
  guest: { role: 'guest' },
  dmesg: { format: 'dmesg' },
  qemuLog: { format: 'qemu-log' },
  qemuCmdline: { format: 'qemu-cmdline' },
};

/** The paths named by layer flags and the overrides that pin them to their layer. */
export function overridesFromFlags(flags: LayerFlags): { paths: string[]; overrides: Record<string, IngestOverride> } {
  const paths: string[] = [];
  const overrides: Record<string, IngestOverride> = {};
  for (const key of Object.keys(FLAG_OVERRIDE) as (keyof LayerFlags)[]) {
    for (const p of flags[key] ?? []) {
      paths.push(p);
      const name = sourcePathOf(p); // `--host -`: standard input is the host
      overrides[name] = { ...overrides[name], ...FLAG_OVERRIDE[key] };
    }
  }
  return { paths, overrides };
}
