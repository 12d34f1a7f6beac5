// The reconciliation: what the engine hands to the CLI, the UI and the reports.
// Field names follow docs/cli-contract.md (`tdx-cpuid/reconcile/v1`); the JSON
// serializer maps this 1:1 (bigint -> number, or decimal string above 2^53).

import type { BitAddress, FieldAddress, LeafKey } from '../model/address';
import type { CpuidEntry } from '../model/cpuid-table';
import type { LayerId } from '../model/layers';

/** Per-bit virtualization class (tdx-cpuid-model.md section 2; most specific wins). */
export type BitClass =
  | 'FIXED1'
  | 'FIXED0'
  | 'DYNAMIC'
  | 'CONFIG_DIRECT'
  | 'CONFIG_AND_NATIVE'
  | 'NATIVE_VERIFIED_1'
  | 'NATIVE_VERIFIED_0'
  | 'NATIVE'
  | 'FAULTING'
  | 'ABSENT'
  | 'KVM_PV';

export const BIT_CLASSES: readonly BitClass[] = [
  'FIXED1',
  'FIXED0',
  'DYNAMIC',
  'CONFIG_DIRECT',
  'CONFIG_AND_NATIVE',
  'NATIVE_VERIFIED_1',
  'NATIVE_VERIFIED_0',
  'NATIVE',
  'FAULTING',
  'ABSENT',
  'KVM_PV',
];

/** `XFAM:n`, `ATTR:name`, `CPUID:leaf.sub.reg.bit`, `CALCULATED`. */
export type Gate = string;

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type LayerValues<V> = Readonly<Record<LayerId, V | null>>;

/** Where a layer's values came from in this reconciliation. */
export type LayerOrigin = 'captured' | 'predicted' | 'absent';

export interface BitRow extends BitAddress {
  readonly name: string | null;
  readonly class: BitClass;
  readonly gates: readonly Gate[];
  readonly values: LayerValues<0 | 1>;
  /** The layer (or the module, `module`) whose rule decided the TD value. */
  readonly decidedBy: LayerId | 'module';
  /** True when layers that should agree do not (e.g. requested 1, TD 0). */
  readonly disagreement: boolean;
  /** The reason chain, layer by layer, in words. */
  readonly reasons: readonly string[];
  /** Guest may change it at run time (#VE reduction, tdx-cpuid-model.md 2.2). */
  readonly guestControlled?: boolean;
}

export interface FieldRow extends FieldAddress {
  readonly name: string;
  readonly class: BitClass;
  readonly gates: readonly Gate[];
  readonly values: LayerValues<number>;
  readonly decidedBy: LayerId | 'module';
  readonly disagreement: boolean;
  readonly reasons: readonly string[];
}

export interface Finding {
  /** Rule id from the registry (`module-init-verify`, `forced-on`, ...). */
  readonly rule: string;
  readonly severity: Severity;
  readonly bits: readonly BitAddress[];
  /** Layers compared ("host", "td", "module", ...). */
  readonly layers: readonly (LayerId | 'module' | 'qemuTable' | 'context')[];
  readonly message: string;
  /** Citation of the rule's source. */
  readonly source: string;
}

export interface ConfigEntry extends LeafKey {
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

export interface ModuleChoice {
  /** What the inputs or the user asked for ("1.5.06", or null when nothing said). */
  readonly requested: string | null;
  /** Table actually used. */
  readonly table: string;
  /** False when the requested version has no table and the nearest older one is used. */
  readonly exact: boolean;
  /** Where the version came from. */
  readonly from: 'option' | 'dmesg' | 'default';
}

export interface ReconcileContextOut {
  readonly module: ModuleChoice;
  readonly kernel: string;
  /** KVM knowledge table used for the kernel (e.g. "6.16.1"). */
  readonly kernelTable: string;
  readonly qemu: string;
  /** QEMU tables used (e.g. "11.0"). */
  readonly qemuTable: string;
  /** The `-cpu` string in effect ("host", "host,+avx512f,-pks"). */
  readonly cpu: string;
  readonly pmu: boolean;
  readonly attributes: bigint;
  readonly xfam: bigint;
  readonly tscKhz: number | null;
  /** Everything the engine assumed because no input said it (model doc 1.1). */
  readonly assumptions: readonly string[];
}

export interface InputSummary {
  readonly path: string;
  readonly sha256: string;
  readonly format: string;
  readonly layer: LayerId | 'context';
}

export interface Predicted {
  readonly tdxCaps: { readonly supportedAttrs: bigint; readonly supportedXfam: bigint; readonly cpuid: readonly ConfigEntry[] };
  readonly initVm: { readonly attributes: bigint; readonly xfam: bigint; readonly cpuid: readonly ConfigEntry[] };
  readonly td: readonly CpuidEntry[];
  readonly faultingLeaves: readonly LeafKey[];
  /** Leaves whose CPUID raises #VE for the assumed guest (it reads zeros there). */
  readonly guestVeLeaves: readonly LeafKey[];
  /** Whether the predicted configuration gets that far: module init, QEMU/KVM checks, TDH.MNG.INIT. */
  readonly status: PipelineStatus;
}

/** A register check that failed: `(found & mask) != expected`. */
export interface RegisterCheckFailure extends LeafKey {
  readonly reg: 'eax' | 'ebx' | 'ecx' | 'edx';
  /** Bits that differ from what the check requires. */
  readonly bits: number;
  readonly expected: number;
  readonly found: number;
}

export interface PipelineStatus {
  /** TDH.SYS.INIT verify masks on the host: null when no host is given. */
  readonly moduleInitializes: boolean | null;
  readonly moduleInitFailures: readonly RegisterCheckFailure[];
  /** QEMU would refuse the TD before KVM_TDX_INIT_VM (named model, attributes, XFAM, TSC). */
  readonly qemuRejects: readonly string[];
  /** KVM_TDX_INIT_VM would return -EINVAL. */
  readonly kvmRejects: readonly string[];
  /** TDH.MNG.INIT result: null = success; else the SEAMCALL status (0xC000010000000045). */
  readonly tdInitError: string | null;
  readonly tdInitFailures: readonly (RegisterCheckFailure & { readonly message: string })[];
  /** True when every stage succeeds: the predicted TD is what the user would get. */
  readonly tdCreated: boolean;
}

export interface Reconciliation {
  readonly inputs: readonly InputSummary[];
  readonly context: ReconcileContextOut;
  readonly predicted: Predicted;
  readonly layerOrigin: Readonly<Record<LayerId, LayerOrigin>>;
  /** Sorted by leaf, sub-leaf, register, bit. */
  readonly bits: readonly BitRow[];
  readonly fields: readonly FieldRow[];
  /** Sorted by severity, rule, first bit. */
  readonly findings: readonly Finding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly infos: number };
}

// ---------------------------------------------------------------------------
// Engine input: the pieces of a bug report, already parsed and assigned to layers
// (shared/ingest does the assignment), plus the user's context choices.

import type { CpuidDump } from '../model/dump';
import type { DmesgInput, KvmInput, QemuCmdlineInput, QemuLogInput } from '../model/inputs';

export interface EngineInputs {
  /** Host dump(s); the first is the platform under analysis. */
  readonly hosts: readonly CpuidDump[];
  readonly guest?: CpuidDump;
  readonly kvm: readonly KvmInput[];
  readonly dmesg?: DmesgInput;
  readonly qemuLog?: QemuLogInput;
  readonly qemuCmdline?: QemuCmdlineInput;
  /** Every input with its hash and role, for `inputs` in the output. */
  readonly sources: readonly InputSummary[];
}

/** Context options (CLI flags / context bar); each overrides what the inputs say. */
export interface ContextOptions {
  readonly module?: string;
  readonly kernel?: string;
  readonly qemu?: string;
  /** `-cpu` string: "host", "host,+avx512f,-pks". */
  readonly cpu?: string;
  readonly pmu?: boolean;
  readonly attributes?: bigint;
  readonly xfam?: bigint;
  readonly tscKhz?: number;
  /** The guest enabled #VE reduction (TD_CTLS.REDUCE_VE); default false (tdx-cpuid-model.md 1.1). */
  readonly guestReduceVe?: boolean;
}
