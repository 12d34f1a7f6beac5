// What the user interface asks of the analysis (run in a Web Worker) and what it gets
// back. Everything here crosses postMessage, so it is plain data: no classes, no
// functions (bigint is fine: structured clone carries it).

import type { BitClass, ContextOptions, Severity } from '../../../shared/engine/types';
import type { ReconciliationView } from './row-table';
import type { Reg } from '../../../shared/model/address';
import type { InputRole } from '../../../shared/model/layers';

/** One input as the session holds it, with the user's overrides. */
export interface AnalysisInput {
  /** Stable within the session (the SHA-256 plus a counter for duplicates). */
  readonly id: string;
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly text: string;
  /** Forced format id; absent = detected from the content. */
  readonly format?: string;
  /** Forced layer; absent = the classifier's choice. */
  readonly layer?: InputRole;
  readonly disabled?: boolean;
}

export interface CpuSummary {
  readonly vendor: string | null;
  readonly brand: string | null;
  readonly family: number | null;
  readonly model: number | null;
  readonly stepping: number | null;
  readonly signature: number | null;
  readonly cpuCount: number;
  readonly packages: number | null;
  readonly hypervisor: string | null;
  readonly tdxGuest: boolean;
}

export type InputStatus = 'ok' | 'unrecognised' | 'error' | 'disabled';

/** One row of the sources panel. */
export interface InputReport {
  readonly id: string;
  readonly path: string;
  readonly status: InputStatus;
  readonly format: string | null;
  readonly formatTitle: string | null;
  readonly layer: InputRole | null;
  /** How sure the format detection is (0..1), and why. */
  readonly confidence: number | null;
  readonly reason: string;
  /** How sure the layer assignment is (0..1), and why. */
  readonly layerConfidence: number | null;
  readonly layerReason: string;
  readonly forced: { readonly format: boolean; readonly layer: boolean };
  readonly cpu: CpuSummary | null;
  /** What the input states: kernel, module version, QEMU version, -cpu, failures... */
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly warnings: readonly { readonly line: number; readonly message: string }[];
  /** Errors (with file and line) and conflicts with other inputs. */
  readonly problems: readonly string[];
  /** Other formats that also claimed the text. */
  readonly alternatives: readonly { readonly format: string; readonly confidence: number }[];
}

export interface MissingLayer {
  readonly layer: InputRole;
  readonly title: string;
  /** How to capture it on a TDX host. */
  readonly hint: string;
}

export interface AnalysisResult {
  readonly inputs: readonly InputReport[];
  readonly missing: readonly MissingLayer[];
  /** Manifest-level notes: conflicts between inputs, what was chosen as the platform. */
  readonly notes: readonly string[];
  readonly reconciliation: ReconciliationView | null;
  /** Why there is no reconciliation (no host dump, the module would not initialise...). */
  readonly failure: string | null;
  readonly elapsedMs: number;
  /** Where the time went in the worker: reading the inputs, the engine, the rows for the UI. */
  readonly timings: {
    readonly ingestMs: number;
    readonly reconcileMs: number;
    /** Rows written from the engine state into the row table the interface reads. */
    readonly rowsMs: number;
    /** When the worker began this analysis, as an epoch time (performance.timeOrigin + now()). */
    readonly startedAt: number;
    /**
     * The worker's own start-up, as epoch times (set by the worker): its script began to run,
     * and it was ready (knowledge tables loaded). The first start's benchmark reports them.
     */
    readonly workerScriptAt?: number;
    readonly workerReadyAt?: number;
  };
}

export interface ModuleInfo {
  readonly version: string;
  readonly note?: string;
}

export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly description: string;
  readonly source: string;
}

export interface FormatInfo {
  readonly id: string;
  readonly title: string;
  readonly role: InputRole;
}

/** Choices the context bar and the sources panel offer, from the knowledge base. */
export interface Catalog {
  readonly modules: readonly ModuleInfo[];
  readonly kernels: readonly string[];
  readonly qemus: readonly string[];
  readonly rules: readonly RuleInfo[];
  readonly formats: readonly FormatInfo[];
}

export interface AnalyseRequest {
  readonly inputs: readonly AnalysisInput[];
  readonly context: ContextOptions;
}

/** Two hosts (TD each yields), two captures of one layer, or two module versions. */
export type CompareMode = 'hosts' | 'captures' | 'modules';

export interface CompareRequest {
  readonly mode: CompareMode;
  readonly inputs: readonly AnalysisInput[];
  readonly context: ContextOptions;
  /** Input ids for hosts/captures, module versions for modules. */
  readonly a: string;
  readonly b: string;
}

/** One side of a compared bit or field. */
export interface CompareSide {
  readonly class: BitClass | null;
  readonly host: number | null;
  readonly td: number | null;
  readonly guest: number | null;
  /** For captures: the value in that capture. */
  readonly value: number | null;
}

export type CompareAspect = 'class' | 'host' | 'td' | 'guest' | 'value';

export interface CompareRow {
  readonly key: string;
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  /** `[bit, bit]` for a single bit, `[low, high]` for a field. */
  readonly bits: readonly [number, number];
  readonly address: string;
  readonly name: string | null;
  readonly a: CompareSide | null;
  readonly b: CompareSide | null;
  /** What differs; empty when the row is the same on both sides. */
  readonly changes: readonly CompareAspect[];
}

export interface CompareResult {
  readonly mode: CompareMode;
  readonly aLabel: string;
  readonly bLabel: string;
  /** Only rows that differ (the UI says how many were compared). */
  readonly rows: readonly CompareRow[];
  readonly compared: number;
  readonly notes: readonly string[];
}

export interface BaselineRequest {
  readonly inputs: readonly AnalysisInput[];
  readonly context: ContextOptions;
  /** Host input ids, at least two. */
  readonly hosts: readonly string[];
}

export interface BaselineRow {
  readonly key: string;
  readonly address: string;
  readonly name: string | null;
  /** Field width in bits (1 for a bit). */
  readonly width: number;
  /** The TD value each host yields, in `hosts` order. */
  readonly values: readonly (number | null)[];
  readonly class: BitClass | null;
  /** The `-cpu` flag that removes the difference, if one does. */
  readonly flag: string | null;
  /** What aligns it, or why nothing can (per-host data). */
  readonly why: string;
  /** Still differs with the suggested `-cpu`. */
  readonly remains: boolean;
}

export interface BaselineResult {
  readonly hosts: readonly { readonly id: string; readonly label: string; readonly module: string; readonly tdCreated: boolean }[];
  /** Hosts left out (the module would not initialize there). */
  readonly excluded: readonly { readonly label: string; readonly why: string }[];
  /** Bits and fields whose TD value differs between the hosts. */
  readonly rows: readonly BaselineRow[];
  readonly compared: number;
  /** The `-cpu` string that aligns the hosts as far as flags can, and whether that was verified. */
  readonly cpu: string | null;
  readonly flags: readonly string[];
  readonly verified: boolean;
  readonly notes: readonly string[];
}

/** The report of the current analysis, rendered by shared/report. */
export interface ReportRequest extends AnalyseRequest {
  readonly format: 'html' | 'md' | 'json';
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}
