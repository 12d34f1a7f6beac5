// What ingestion produces: every file of a bug report classified by content into a format
// and a layer (with a confidence and a reason a person can check), the conflicts between
// them, a manifest of found and missing pieces with capture hints, and the EngineInputs.

import type { Detection, ParsedInput } from '../formats/types';
import type { EngineInputs } from '../engine/types';
import type { InputRole } from '../model/layers';
import type { SourceFile } from '../model/source';

/** What one input feeds: a layer of values, or a piece of context the engine reads. */
export type FeedId =
  | 'host'
  | 'module'
  | 'kernel'
  | 'kvmSupported'
  | 'tdxCaps'
  | 'requested'
  | 'qemuLog'
  | 'initVm'
  | 'td'
  | 'setCpuid'
  | 'guest';

export type Role = InputRole | 'ignore';

/** A user's correction for one file (by path): force its format and/or its layer. */
export interface IngestOverride {
  readonly format?: string;
  readonly role?: Role;
}

export interface ClassifiedInput {
  /** Path of the input; for a combined input (hwloc `puN` files) the folder, ending in `/`. */
  readonly path: string;
  /** The files it was read from (one, or several when a format combines files). */
  readonly sources: readonly SourceFile[];
  readonly format: string;
  readonly formatTitle: string;
  readonly parsed: ParsedInput;
  /** Why this format: "AIDA64 CPUID dump: 112 CPU sections". */
  readonly detection: Detection;
  readonly role: Role;
  readonly roleConfidence: number;
  /** Why this layer: "leaf 0x21 carries 'IntelTDX    ': a TD guest's own view". */
  readonly roleReason: string;
  readonly feeds: readonly FeedId[];
  /** True when the user forced the format or the layer. */
  readonly overridden: boolean;
}

export interface IngestProblem {
  readonly path: string;
  readonly line?: number;
  readonly message: string;
}

export interface Conflict {
  readonly feed: FeedId;
  readonly paths: readonly string[];
  /** Which one the analysis uses. */
  readonly used: string;
  readonly message: string;
}

export type ManifestStatus = 'found' | 'missing' | 'optional';

export interface ManifestItem {
  readonly id: FeedId;
  readonly title: string;
  readonly status: ManifestStatus;
  readonly paths: readonly string[];
  /** What was found ("TDX module 1.5.06 (build 744)") or what the engine will assume. */
  readonly detail: string;
  /** How to capture it on a TDX host (README "Capturing inputs on a TDX host"). */
  readonly hint: string;
}

export interface IngestResult {
  readonly inputs: readonly ClassifiedInput[];
  readonly unrecognized: readonly IngestProblem[];
  readonly conflicts: readonly Conflict[];
  readonly manifest: readonly ManifestItem[];
  readonly engineInputs: EngineInputs;
}

export interface IngestOptions {
  /** Keyed by SourceFile.path (or a combined input's folder path). */
  readonly overrides?: Readonly<Record<string, IngestOverride>>;
}
