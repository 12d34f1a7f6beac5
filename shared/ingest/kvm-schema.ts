// The workbench's own text form of the KVM ioctl structures (there is none upstream:
// input-formats.md section 13). Field names follow the Linux uAPI (arch/x86/include/uapi/asm/kvm.h,
// v6.16) so a capture reads like the struct it came from. Version 1; documented in
// docs/kvm-json.md, exported as JSON Schema to docs/kvm-json.schema.json.

// A namespace import: esbuild can then leave out the parts of zod never used (all its
// locales, and whatever else is never called): zod was a third of the CLI bundle otherwise.
import * as z from 'zod';

export const KVM_JSON_SCHEMA_ID = 'tdx-cpuid/kvm/v1';

const HEX32 = /^(?:0[xX][0-9a-fA-F]{1,8}|[0-9]{1,10})$/;
const HEX64 = /^(?:0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})$/;

/** A 32-bit register or leaf: integer, or a `0x` hex / decimal string. */
export const u32 = z
  .union([z.number().int().min(0).max(0xffffffff), z.string().regex(HEX32)])
  .describe('32-bit unsigned: an integer or a string ("0x1f" hex, "31" decimal)');

/** A 64-bit mask (attributes, XFAM): a safe integer, or a hex / decimal string. */
export const u64 = z
  .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(HEX64)])
  .describe('64-bit unsigned: an integer up to 2^53-1, or a string ("0x10000000" hex, decimal)');

/** struct kvm_cpuid_entry2 (api.rst 4.46); `flags` bit 0 = KVM_CPUID_FLAG_SIGNIFCANT_INDEX. */
export const cpuidEntry = z
  .object({
    function: u32,
    index: u32.optional().describe('ECX input; 0 when absent'),
    flags: u32.optional().describe('kvm_cpuid_entry2.flags; 0 when absent'),
    eax: u32,
    ebx: u32,
    ecx: u32,
    edx: u32,
  })
  .describe('struct kvm_cpuid_entry2');

/** struct kvm_cpuid2: `{nent, entries}` or just the entries. */
export const cpuid2 = z
  .union([z.array(cpuidEntry), z.object({ nent: u32.optional(), entries: z.array(cpuidEntry) })])
  .describe('struct kvm_cpuid2: an array of entries, or {nent, entries}');

/** Linux 6.16 struct kvm_tdx_capabilities. */
export const tdxCapabilities616 = z
  .object({
    abi: z.literal('6.16').optional(),
    supported_attrs: u64,
    supported_xfam: u64,
    kernel_tdvmcallinfo_1_r11: u64.optional(),
    user_tdvmcallinfo_1_r11: u64.optional(),
    kernel_tdvmcallinfo_1_r12: u64.optional(),
    user_tdvmcallinfo_1_r12: u64.optional(),
    cpuid: cpuid2.describe('configurable CPUID entries, in the module order'),
  })
  .describe('KVM_TDX_CAPABILITIES, Linux 6.16 uAPI');

/** Pre-upstream struct kvm_tdx_cpuid_config: sub_leaf 0xffffffff = no sub-leaf. */
export const legacyCpuidConfig = z.object({ leaf: u32, sub_leaf: u32, eax: u32, ebx: u32, ecx: u32, edx: u32 });

/** Pre-upstream struct kvm_tdx_capabilities (v19-era patches, forks). */
export const tdxCapabilitiesLegacy = z
  .object({
    abi: z.literal('legacy').optional(),
    attrs_fixed0: u64,
    attrs_fixed1: u64,
    xfam_fixed0: u64,
    xfam_fixed1: u64,
    supported_gpaw: u32.optional(),
    nr_cpuid_configs: u32.optional(),
    cpuid_configs: z.array(legacyCpuidConfig),
  })
  .describe('KVM_TDX_CAPABILITIES, pre-upstream ABI (attrs_fixed0/xfam_fixed0/cpuid_configs)');

/** struct kvm_tdx_init_vm (6.16): TD_PARAMS inputs and the CPUID configuration. */
export const tdxInitVm = z
  .object({
    attributes: u64,
    xfam: u64,
    mrconfigid: z.string().optional().describe('SHA-384, hex'),
    mrowner: z.string().optional(),
    mrownerconfig: z.string().optional(),
    cpuid: cpuid2,
  })
  .describe('KVM_TDX_INIT_VM payload');

/** The TDX module version as sysfs tells it (the capture script reads it there). */
export const tdxModule = z
  .object({
    version: z.string().regex(/^\d+\.\d+(?:\.\d+)?$/).describe('"1.5.06" (sysfs tdx_host/version) or "1.5" (old sysfs: major.minor)'),
    build_num: z.number().int().min(0).optional(),
    build_date: z.string().optional().describe('YYYYMMDD'),
    source: z.string().optional().describe('the sysfs path it came from'),
  })
  .describe('TDX module version');

export const kvmCapture = z
  .object({
    schema: z.literal(KVM_JSON_SCHEMA_ID),
    kernel: z.string().optional().describe('uname -r of the host'),
    hostname: z.string().optional(),
    captured_at: z.string().optional().describe('ISO 8601 time of the capture'),
    tool: z.string().optional().describe('what wrote the file ("tdx-capture.py 1")'),
    kvm_supported_cpuid: cpuid2.optional().describe('KVM_GET_SUPPORTED_CPUID (layer K)'),
    tdx_capabilities: z.union([tdxCapabilities616, tdxCapabilitiesLegacy]).optional().describe('KVM_TDX_CAPABILITIES (layer C)'),
    tdx_init_vm: tdxInitVm.optional().describe('KVM_TDX_INIT_VM (layer I)'),
    tdx_get_cpuid: cpuid2.optional().describe('KVM_TDX_GET_CPUID of one vCPU (layer T)'),
    set_cpuid2: cpuid2.optional().describe('KVM_SET_CPUID2 of one vCPU (layer S)'),
    tdx_module: tdxModule.optional().describe('TDX module version from sysfs (selects the module table, like dmesg)'),
    notes: z.array(z.string()).optional().describe('what the capture could not read, and why'),
  })
  .describe('A KVM capture for the TDX CPUID Workbench, version 1');

export type KvmCaptureJson = z.infer<typeof kvmCapture>;
export type CpuidEntryJson = z.infer<typeof cpuidEntry>;
export type Cpuid2Json = z.infer<typeof cpuid2>;

/** The JSON Schema (draft 2020-12) of a KVM capture, as written to docs/kvm-json.schema.json. */
export function kvmCaptureJsonSchema(): unknown {
  return z.toJSONSchema(kvmCapture, { target: 'draft-2020-12' });
}
