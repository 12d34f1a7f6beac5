// Decoding of TDX SEAMCALL completion statuses (tdx-cpuid-model.md 6): what KVM prints as
// `SEAMCALL TDH_MNG_INIT failed: 0x..., rcx 0x...`, the host kernel as
// `SEAMCALL (0x...) failed: 0x...`, and QEMU as `TDX ioctl KVM_TDX_INIT_VM failed, hw_errors: 0x...`.
//
// Layout of the 64-bit status (TDX module api_error_code_t, tdx_api_defs.h / tdx_basic_defs.h):
//   63 ERROR, 62 NON_RECOVERABLE, 61 FATAL, 60 HOST_RECOVERABILITY_HINT, 59:48 reserved,
//   47:40 CLASS, 39:32 DETAILS_L1, 31:0 DETAILS_L2 (the operand id for operand errors).
// The status names are keyed by bits 63:32 (Linux TDX_SEAMCALL_STATUS_MASK); values from the
// module's generated include/auto_gen_1_5/tdx_error_codes_defs.h (intel/tdx-module @30d22188).
// For TDX_OPERAND_INVALID with operand CPUID_CONFIG (0x45) TDH.MNG.INIT returns the failing
// CPUID leaf in RCX[31:0] and sub-leaf in RCX[63:32] (tdh_mng_init.c: vmm_regs.rcx =
// cpuid_leaf_subleaf.raw).

import type { LeafKey } from '../model/address';
import { formatLeafKey } from '../model/address';

export const TDX_STATUS_MASK = 0xffffffff00000000n;

/** TDX_OPERAND_INVALID | OPERAND_ID_CPUID_CONFIG: TDH.MNG.INIT rejected a CPUID configuration. */
export const TDX_OPERAND_INVALID_CPUID_CONFIG = 0xc000010000000045n;
export const TDX_OPERAND_INVALID = 0xc000010000000000n;
export const TDX_INCORRECT_CPUID_VALUE = 0xc000090000000000n;
export const TDX_INCONSISTENT_CPUID_FIELD = 0xc000090200000000n;

/** Status names by bits 63:32 (module 1.5 generated definitions; Linux software codes last). */
const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00000000, 'TDX_SUCCESS'],
  [0x40000001, 'TDX_NON_RECOVERABLE_VCPU'],
  [0x60000002, 'TDX_NON_RECOVERABLE_TD'],
  [0x80000003, 'TDX_INTERRUPTED_RESUMABLE'],
  [0x80000004, 'TDX_INTERRUPTED_RESTARTABLE'],
  [0x60000005, 'TDX_NON_RECOVERABLE_TD_NON_ACCESSIBLE'],
  [0xc0000006, 'TDX_INVALID_RESUMPTION'],
  [0xe0000007, 'TDX_NON_RECOVERABLE_TD_WRONG_APIC_MODE'],
  [0x80000008, 'TDX_CROSS_TD_FAULT'],
  [0x90000009, 'TDX_CROSS_TD_TRAP'],
  [0x6000000a, 'TDX_NON_RECOVERABLE_TD_CORRUPTED_MD'],
  [0xc0000100, 'TDX_OPERAND_INVALID'],
  [0xc0000101, 'TDX_OPERAND_ADDR_RANGE_ERROR'],
  [0x80000200, 'TDX_OPERAND_BUSY'],
  [0x80000201, 'TDX_PREVIOUS_TLB_EPOCH_BUSY'],
  [0x80000202, 'TDX_SYS_BUSY'],
  [0x80000203, 'TDX_RND_NO_ENTROPY'],
  [0x80000204, 'TDX_OPERAND_BUSY_HOST_PRIORITY'],
  [0x90000205, 'TDX_HOST_PRIORITY_BUSY_TIMEOUT'],
  [0x80000206, 'TDX_INTERRUPTED_BUSY'],
  [0xc0000300, 'TDX_PAGE_METADATA_INCORRECT'],
  [0x00000301, 'TDX_PAGE_ALREADY_FREE'],
  [0xc0000302, 'TDX_PAGE_NOT_OWNED_BY_TD'],
  [0xc0000303, 'TDX_PAGE_NOT_FREE'],
  [0xc0000304, 'TDX_HPA_RANGE_NOT_FREE'],
  [0xc0000400, 'TDX_TD_ASSOCIATED_PAGES_EXIST'],
  [0xc0000500, 'TDX_SYS_INIT_NOT_PENDING'],
  [0xc0000502, 'TDX_SYS_LP_INIT_NOT_DONE'],
  [0xc0000503, 'TDX_SYS_LP_INIT_DONE'],
  [0xc0000505, 'TDX_SYS_NOT_READY'],
  [0xc0000506, 'TDX_SYS_SHUTDOWN'],
  [0xc0000507, 'TDX_SYS_KEY_CONFIG_NOT_PENDING'],
  [0xc0000508, 'TDX_SYS_STATE_INCORRECT'],
  [0xc0000509, 'TDX_SYS_INVALID_HANDOFF'],
  [0xc000050a, 'TDX_SYS_INCOMPATIBLE_SIGSTRUCT'],
  [0xc000050b, 'TDX_SYS_LP_INIT_NOT_PENDING'],
  [0xc000050c, 'TDX_SYS_CONFIG_NOT_PENDING'],
  [0xc000050d, 'TDX_INCOMPATIBLE_SEAM_CAPABILITIES'],
  [0xc0000511, 'TDX_CRYPTO_SELF_TEST_FAILED'],
  [0xe0000604, 'TDX_TD_FATAL'],
  [0xc0000605, 'TDX_TD_NON_DEBUG'],
  [0xc0000606, 'TDX_TDCS_NOT_ALLOCATED'],
  [0xc0000607, 'TDX_LIFECYCLE_STATE_INCORRECT'],
  [0xc0000608, 'TDX_OP_STATE_INCORRECT'],
  [0xc0000609, 'TDX_NO_VCPUS'],
  [0xc0000610, 'TDX_TDCX_NUM_INCORRECT'],
  [0xc0000621, 'TDX_X2APIC_ID_NOT_UNIQUE'],
  [0xc0000700, 'TDX_VCPU_STATE_INCORRECT'],
  [0x80000701, 'TDX_VCPU_ASSOCIATED'],
  [0x80000702, 'TDX_VCPU_NOT_ASSOCIATED'],
  [0xc0000704, 'TDX_NO_VALID_VE_INFO'],
  [0xc0000705, 'TDX_MAX_VCPUS_EXCEEDED'],
  [0xc0000706, 'TDX_TSC_ROLLBACK'],
  [0xc0000730, 'TDX_TD_VMCS_FIELD_NOT_INITIALIZED'],
  [0xc0000731, 'TD_VMCS_FIELD_ERROR'],
  [0x80000800, 'TDX_KEY_GENERATION_FAILED'],
  [0x80000810, 'TDX_TD_KEYS_NOT_CONFIGURED'],
  [0xc0000811, 'TDX_KEY_STATE_INCORRECT'],
  [0x00000815, 'TDX_KEY_CONFIGURED'],
  [0x80000817, 'TDX_WBCACHE_NOT_COMPLETE'],
  [0xc0000820, 'TDX_HKID_NOT_FREE'],
  [0x00000821, 'TDX_NO_HKID_READY_TO_WBCACHE'],
  [0xc0000823, 'TDX_WBCACHE_RESUME_ERROR'],
  [0x80000824, 'TDX_FLUSHVP_NOT_DONE'],
  [0xc0000825, 'TDX_NUM_ACTIVATED_HKIDS_NOT_SUPPORTED'],
  [0xc0000900, 'TDX_INCORRECT_CPUID_VALUE'],
  [0xc0000901, 'TDX_LIMIT_CPUID_MAXVAL_SET'],
  [0xc0000902, 'TDX_INCONSISTENT_CPUID_FIELD'],
  [0xc0000903, 'TDX_CPUID_MAX_SUBLEAVES_UNRECOGNIZED'],
  [0xc0000904, 'TDX_CPUID_LEAF_1F_FORMAT_UNRECOGNIZED'],
  [0xc0000905, 'TDX_INVALID_WBINVD_SCOPE'],
  [0xc0000906, 'TDX_INVALID_PKG_ID'],
  [0xc0000907, 'TDX_ENABLE_MONITOR_FSM_NOT_SET'],
  [0xc0000908, 'TDX_CPUID_LEAF_NOT_SUPPORTED'],
  [0xc0000910, 'TDX_SMRR_NOT_LOCKED'],
  [0xc0000911, 'TDX_INVALID_SMRR_CONFIGURATION'],
  [0xc0000912, 'TDX_SMRR_OVERLAPS_CMR'],
  [0xc0000913, 'TDX_SMRR_LOCK_NOT_SUPPORTED'],
  [0xc0000914, 'TDX_SMRR_NOT_SUPPORTED'],
  [0xc0000920, 'TDX_INCONSISTENT_MSR'],
  [0xc0000921, 'TDX_INCORRECT_MSR_VALUE'],
  [0xc0000a00, 'TDX_INVALID_TDMR'],
  [0xc0000a01, 'TDX_NON_ORDERED_TDMR'],
  [0xc0000a02, 'TDX_TDMR_OUTSIDE_CMRS'],
  [0x00000a03, 'TDX_TDMR_ALREADY_INITIALIZED'],
  [0xc0000a10, 'TDX_INVALID_PAMT'],
  [0xc0000a11, 'TDX_PAMT_OUTSIDE_CMRS'],
  [0xc0000a12, 'TDX_PAMT_OVERLAP'],
  [0xc0000a20, 'TDX_INVALID_RESERVED_IN_TDMR'],
  [0xc0000a21, 'TDX_NON_ORDERED_RESERVED_IN_TDMR'],
  [0xc0000a22, 'TDX_CMR_LIST_INVALID'],
  [0xc0000b00, 'TDX_EPT_WALK_FAILED'],
  [0xc0000b01, 'TDX_EPT_ENTRY_FREE'],
  [0xc0000b02, 'TDX_EPT_ENTRY_NOT_FREE'],
  [0xc0000b03, 'TDX_EPT_ENTRY_NOT_PRESENT'],
  [0xc0000b04, 'TDX_EPT_ENTRY_NOT_LEAF'],
  [0xc0000b05, 'TDX_EPT_ENTRY_LEAF'],
  [0xc0000b06, 'TDX_GPA_RANGE_NOT_BLOCKED'],
  [0x00000b07, 'TDX_GPA_RANGE_ALREADY_BLOCKED'],
  [0xc0000b08, 'TDX_TLB_TRACKING_NOT_DONE'],
  [0xc0000b09, 'TDX_EPT_INVALID_PROMOTE_CONDITIONS'],
  [0x00000b0a, 'TDX_PAGE_ALREADY_ACCEPTED'],
  [0xc0000b0b, 'TDX_PAGE_SIZE_MISMATCH'],
  [0xc0000c00, 'TDX_METADATA_FIELD_ID_INCORRECT'],
  [0xc0000c01, 'TDX_METADATA_FIELD_NOT_WRITABLE'],
  [0xc0000c02, 'TDX_METADATA_FIELD_NOT_READABLE'],
  [0xc0000c03, 'TDX_METADATA_FIELD_VALUE_NOT_VALID'],
  [0xc0000c06, 'TDX_REQUIRED_METADATA_FIELD_MISSING'],
  [0xc0000c0d, 'TDX_VIRTUAL_MSR_VALUE_NOT_VALID'],
  [0xc0000e09, 'TDX_TD_NOT_MIGRATABLE'],
  [0xc0001000, 'TDX_INVALID_CPUSVN'],
  [0xc0001160, 'TDX_GLA_NOT_CANONICAL'],
  // Linux software-defined codes (arch/x86/include/asm/tdx.h): class 0xFF is never used by the module.
  [0x8000ff00, 'TDX_SW_ERROR'],
]);

/** Linux software codes with their low 32 bits (TDX_SEAMCALL_VMFAILINVALID, _GP, _UD). */
const SW_CODES: ReadonlyMap<bigint, { name: string; meaning: string }> = new Map([
  [0x8000ff00ffff0000n, { name: 'TDX_SEAMCALL_VMFAILINVALID', meaning: 'SEAMCALL failed with VMfailInvalid: no TDX module is loaded' }],
  [0x8000ff000000000dn, { name: 'TDX_SEAMCALL_GP', meaning: 'SEAMCALL raised #GP: TDX is not enabled by the BIOS' }],
  [0x8000ff0000000006n, { name: 'TDX_SEAMCALL_UD', meaning: 'SEAMCALL raised #UD: the CPU is not in VMX operation' }],
]);

/** Operand ids (details L2 of operand errors), tdx_error_codes_defs.h "Error operands". */
const OPERAND_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'RAX'],
  [1, 'RCX'],
  [2, 'RDX'],
  [3, 'RBX'],
  [5, 'RBP'],
  [6, 'RSI'],
  [7, 'RDI'],
  [8, 'R8'],
  [9, 'R9'],
  [10, 'R10'],
  [11, 'R11'],
  [12, 'R12'],
  [13, 'R13'],
  [14, 'R14'],
  [15, 'R15'],
  [64, 'ATTRIBUTES'],
  [65, 'XFAM'],
  [66, 'EXEC_CONTROLS'],
  [67, 'EPTP_CONTROLS'],
  [68, 'MAX_VCPUS'],
  [69, 'CPUID_CONFIG'],
  [70, 'TSC_FREQUENCY'],
  [71, 'NUM_L2_VMS'],
  [72, 'IA32_ARCH_CAPABILITIES_CONFIG'],
  [95, 'PAGE'],
  [96, 'TDMR_INFO_PA'],
  [128, 'TDR'],
  [129, 'TDCX'],
  [130, 'TDVPR'],
  [144, 'TDCS'],
  [145, 'TDVPS'],
  [146, 'SEPT_TREE'],
  [147, 'SEPT_ENTRY'],
  [168, 'RTMR'],
  [176, 'METADATA_FIELD'],
  [177, 'NUM_VCPUS'],
  [178, 'CPUID_FIXED0_BITMAP'],
  [184, 'SYS'],
  [185, 'TDMR'],
  [186, 'KOT'],
  [187, 'KET'],
  [188, 'WBCACHE'],
]);

/** Statuses whose details L2 is an operand id (the operand classes 0x01-0x03 and TDX_OPERAND_BUSY*). */
function carriesOperand(high: number): boolean {
  const cls = (high >>> 8) & 0xff;
  return cls === 0x01 || cls === 0x02 || cls === 0x03;
}

/** What an engineer should read into a status, for the ones a CPUID investigation meets. */
const MEANINGS: ReadonlyMap<string, string> = new Map([
  ['TDX_OPERAND_INVALID', 'an input operand of the SEAMCALL is invalid'],
  ['TDX_INCORRECT_CPUID_VALUE', "the host's native CPUID fails the module's verify_mask/verify_value check (TDH.SYS.INIT / TDH.SYS.LP.INIT): the module does not support this CPU or its configuration"],
  ['TDX_INCONSISTENT_CPUID_FIELD', 'a verify_same CPUID field differs between logical processors (TDH.SYS.LP.INIT)'],
  ['TDX_CPUID_LEAF_NOT_SUPPORTED', 'the CPU lacks a CPUID leaf the module needs'],
  ['TDX_CPUID_LEAF_1F_FORMAT_UNRECOGNIZED', "the module cannot read the CPU's CPUID 0x1F topology"],
  ['TDX_LIMIT_CPUID_MAXVAL_SET', 'IA32_MISC_ENABLE.LIMIT_CPUID_MAXVAL is set in the BIOS: the module refuses to initialize'],
  ['TDX_SYS_NOT_READY', 'the TDX module is not initialized yet (or its initialization failed)'],
  ['TDX_SYS_SHUTDOWN', 'the TDX module has been shut down'],
  ['TDX_KEY_GENERATION_FAILED', 'the CPU could not generate a TD key (retry)'],
  ['TDX_OPERAND_BUSY', 'a resource the SEAMCALL needs is in use by another SEAMCALL (retry)'],
  ['TDX_RND_NO_ENTROPY', 'RDRAND/RDSEED returned no entropy (retry)'],
  ['TDX_SEAMCALL_VMFAILINVALID', 'no TDX module is loaded'],
]);

export interface DecodedTdxStatus {
  readonly status: bigint;
  /** `0xC000010000000045`. */
  readonly hex: string;
  /** Name of bits 63:32 (`TDX_OPERAND_INVALID`), or null when unknown. */
  readonly name: string | null;
  readonly error: boolean;
  readonly nonRecoverable: boolean;
  readonly fatal: boolean;
  readonly hostRecoverabilityHint: boolean;
  /** Bits 47:40. */
  readonly classCode: number;
  /** Bits 39:32. */
  readonly detailsL1: number;
  /** Bits 31:0. */
  readonly detailsL2: number;
  /** Operand id and name, for statuses whose details L2 is an operand. */
  readonly operand: { readonly id: number; readonly name: string | null } | null;
  /** TDX_OPERAND_INVALID with operand CPUID_CONFIG (the module rejected a CPUID configuration). */
  readonly cpuidConfig: boolean;
  /** The CPUID leaf/sub-leaf RCX names (CPUID_CONFIG failures, when RCX was given). */
  readonly leaf: LeafKey | null;
  /** One line in words: "TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG: ...". */
  readonly text: string;
}

export function hexStatus(v: bigint): string {
  return `0x${v.toString(16).toUpperCase().padStart(16, '0')}`;
}

/** RCX of a CPUID status: leaf in bits 31:0, sub-leaf in 63:32 (0xFFFFFFFF = no sub-leaf). */
export function leafFromRcx(rcx: bigint): LeafKey {
  const leaf = Number(rcx & 0xffffffffn);
  const sub = Number((rcx >> 32n) & 0xffffffffn);
  return { leaf, subleaf: sub === 0xffffffff ? null : sub };
}

/** Decodes a SEAMCALL status (and RCX, when the log gives it). */
export function decodeTdxStatus(status: bigint, rcx?: bigint): DecodedTdxStatus {
  const s = BigInt.asUintN(64, status);
  const high = Number(s >> 32n);
  const low = Number(s & 0xffffffffn);
  const sw = SW_CODES.get(s);
  const name = sw?.name ?? STATUS_NAMES.get(high) ?? null;
  const operandId = carriesOperand(high) && low <= 0xffff ? low : null;
  const operand = operandId === null ? null : { id: operandId, name: OPERAND_NAMES.get(operandId) ?? null };
  const cpuidConfig = high === 0xc0000100 && low === 69;
  const leaf = rcx !== undefined && cpuidConfig ? leafFromRcx(rcx) : null;
  const parts: string[] = [name ?? `unknown status (class 0x${((high >>> 8) & 0xff).toString(16)}, details 0x${(high & 0xff).toString(16)})`];
  if (operand) parts.push(`operand 0x${operand.id.toString(16)}${operand.name ? ` ${operand.name}` : ''}`);
  else if (low !== 0 && !sw) parts.push(`details 0x${low.toString(16)}`);
  let meaning: string | undefined;
  if (cpuidConfig) {
    meaning = `TDH.MNG.INIT rejected the CPUID configuration${leaf ? ` of leaf ${formatLeafKey(leaf)}` : ''}: a configured bit is neither config_direct nor allow_direct in this module, or a configured value fails a special check (FMS, HLE = RTM)`;
  } else {
    meaning = sw?.meaning ?? (name ? MEANINGS.get(name) : undefined);
  }
  const flags: string[] = [];
  if ((s >> 62n) & 1n) flags.push('non-recoverable');
  if ((s >> 61n) & 1n) flags.push('fatal');
  const text = `${parts.join(', ')}${flags.length ? ` [${flags.join(', ')}]` : ''}${meaning ? `: ${meaning}` : ''}`;
  return {
    status: s,
    hex: hexStatus(s),
    name,
    error: ((s >> 63n) & 1n) === 1n,
    nonRecoverable: ((s >> 62n) & 1n) === 1n,
    fatal: ((s >> 61n) & 1n) === 1n,
    hostRecoverabilityHint: ((s >> 60n) & 1n) === 1n,
    classCode: (high >>> 8) & 0xff,
    detailsL1: high & 0xff,
    detailsL2: low,
    operand,
    cpuidConfig,
    leaf,
    text,
  };
}

/** The operand name of an id (`69` -> `CPUID_CONFIG`). */
export function tdxOperandName(id: number): string | null {
  return OPERAND_NAMES.get(id) ?? null;
}
