// Parsed forms of the non-CPUID pieces of a bug report (ingestion issue): KVM captures,
// dmesg, QEMU log and QEMU command line. Readers in shared/formats produce these; the
// engine consumes them. 64-bit quantities (attributes, XFAM, SEAMCALL status) are bigint.

import type { BitAddress, RegAddress } from './address';
import type { ParseWarning } from './errors';

/** struct kvm_cpuid_entry2 (Linux uAPI, api.rst 4.46); `flags` bit 0 = KVM_CPUID_FLAG_SIGNIFCANT_INDEX. */
export interface KvmCpuidEntry {
  readonly function: number;
  readonly index: number;
  readonly flags: number;
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

/** KVM_TDX_CAPABILITIES in either ABI (tdx-cpuid-model.md section 3). */
export interface TdxCapabilities {
  /** `6.16` = upstream struct kvm_tdx_capabilities; `legacy` = attrs_fixed0/xfam_fixed0/cpuid_configs. */
  readonly abi: '6.16' | 'legacy';
  /** 6.16: supported_attrs; legacy: attrs_fixed0 (bits that may be 1). */
  readonly supportedAttrs: bigint;
  /** 6.16: supported_xfam; legacy: xfam_fixed0. */
  readonly supportedXfam: bigint;
  /** Legacy ABI only: bits that must be 1. */
  readonly attrsFixed1?: bigint;
  readonly xfamFixed1?: bigint;
  readonly supportedGpaw?: number;
  /** Configurable CPUID entries; legacy sub_leaf 0xffffffff is stored as index 0, flags 0. */
  readonly cpuid: readonly KvmCpuidEntry[];
}

export interface InitVmPayload {
  readonly attributes: bigint;
  readonly xfam: bigint;
  readonly cpuid: readonly KvmCpuidEntry[];
}

export interface KvmInput {
  readonly kind: 'kvm';
  readonly format: string;
  readonly name: string;
  readonly warnings: readonly ParseWarning[];
  /** Kernel release the capture names, if any ("6.16.0-rc3"). */
  readonly kernel?: string;
  readonly kvmSupported?: readonly KvmCpuidEntry[];
  readonly tdxCaps?: TdxCapabilities;
  readonly initVm?: InitVmPayload;
  readonly tdCpuid?: readonly KvmCpuidEntry[];
  readonly setCpuid?: readonly KvmCpuidEntry[];
  /**
   * When present, only these registers of `setCpuid` are known (QMP `feature-words` carry
   * QEMU's feature words, not whole leaves); every other register must be read as unknown.
   */
  readonly knownRegs?: readonly RegAddress[];
  /** What a QMP capture said besides the feature words (docs/kvm-json.md, "QMP"). */
  readonly qmp?: QmpFacts;
  /** TDX module version the capture read from sysfs ("1.5.06", or "1.5" from the old sysfs files). */
  readonly tdxModule?: { readonly version: string; readonly build?: { readonly number?: number; readonly date?: string }; readonly source?: string };
  /** Problems the capture tool recorded instead of a value ("KVM_TDX_CAPABILITIES: ENODEV"). */
  readonly captureNotes?: readonly string[];
}

export interface QmpFacts {
  /** `query-cpu-model-expansion` model name and properties (QEMU feature names -> on/off). */
  readonly modelName?: string;
  readonly modelProps?: Readonly<Record<string, boolean>>;
  /** `filtered-features`: requested bits the accelerator could not provide. */
  readonly filteredFeatures: readonly BitAddress[];
}

export interface SeamcallFailure {
  readonly line: number;
  /** SEAMCALL leaf name as printed, e.g. "TDH_MNG_INIT" (may be empty). */
  readonly fn: string;
  readonly status: bigint;
  readonly rcx?: bigint;
  readonly text: string;
}

export interface DmesgInput {
  readonly kind: 'dmesg';
  readonly format: string;
  readonly name: string;
  readonly warnings: readonly ParseWarning[];
  readonly kernelVersion?: string;
  /** Normalised "1.5.06" form. */
  readonly moduleVersion?: string;
  readonly moduleBuild?: { readonly number?: number; readonly date?: string };
  readonly tdxFeatures0?: bigint;
  readonly seamcallFailures: readonly SeamcallFailure[];
  /** The module line said "initialized" (true) or "initialization failed" (false). */
  readonly moduleInitialized?: boolean;
  /** kvm_intel's verdict on TDX ("kvm_intel: TDX is supported." / disabled / failed). */
  readonly kvmTdx?: 'supported' | 'disabled' | 'failed';
  /** TDX-related lines kept for display, with their line numbers. */
  readonly events: readonly { readonly line: number; readonly text: string }[];
}

export type QemuFeatureWarningKind = 'host-unsupported' | 'tdx-unsupported' | 'forced-on';

export interface QemuFeatureWarning extends BitAddress {
  readonly line: number;
  readonly kind: QemuFeatureWarningKind;
  /** QEMU's feature name as printed ("intel-pt"), may be empty for unnamed bits. */
  readonly name: string;
  readonly text: string;
}

export interface QemuLogInput {
  readonly kind: 'qemu-log';
  readonly format: string;
  readonly name: string;
  readonly warnings: readonly ParseWarning[];
  readonly qemuVersion?: string;
  readonly featureWarnings: readonly QemuFeatureWarning[];
  readonly ioctlFailures: readonly { readonly line: number; readonly ioctl: string; readonly hwError?: bigint; readonly text: string }[];
  readonly rejections: readonly { readonly line: number; readonly what: 'attributes' | 'xfam' | 'tsc' | 'cpu-model' | 'other'; readonly text: string }[];
  /** libvirt's log header names its own version too. */
  readonly libvirtVersion?: string;
  /** Warnings about MSR feature words (`MSR(10AH).name [bit n]`): no CPUID bit, shown as text. */
  readonly msrWarnings?: readonly { readonly line: number; readonly kind: QemuFeatureWarningKind; readonly msr: number; readonly name: string; readonly bit: number; readonly text: string }[];
  /** The command line a libvirt log records before QEMU's own messages. */
  readonly cmdline?: QemuCmdlineInput;
}

export interface QemuCpuFlag {
  readonly name: string;
  readonly on: boolean;
}

export interface QemuCmdlineInput {
  readonly kind: 'qemu-cmdline';
  readonly format: string;
  readonly name: string;
  readonly warnings: readonly ParseWarning[];
  readonly binary?: string;
  readonly cpu?: {
    readonly model: string;
    /** `+f` / `-f` / `f=on|off` in order. */
    readonly flags: readonly QemuCpuFlag[];
    readonly props: Readonly<Record<string, string>>;
    readonly pmu?: boolean;
    readonly check: boolean;
    readonly enforce: boolean;
    readonly tscKhz?: number;
  };
  readonly tdxGuest?: {
    readonly id?: string;
    readonly attributes?: bigint;
    readonly septVeDisable?: boolean;
    readonly props: Readonly<Record<string, string>>;
  };
  readonly machine?: { readonly type?: string; readonly confidentialGuestSupport?: string; readonly props: Readonly<Record<string, string>> };
  readonly smp?: { readonly cpus?: number; readonly sockets?: number; readonly dies?: number; readonly cores?: number; readonly threads?: number };
  /** `-accel kvm` / `-enable-kvm` / `-machine accel=kvm`. */
  readonly accel?: string;
  /** Options the reader does not interpret, kept verbatim for display. */
  readonly otherOptions: readonly string[];
}
