// KVM capture JSON (the workbench's schema `tdx-cpuid/kvm/v1`, docs/kvm-json.md), also
// accepting the bare structures a person may paste: a KVM_TDX_CAPABILITIES object in either
// ABI, a KVM_TDX_INIT_VM object, or a kvm_cpuid2 (`{nent, entries}` or an entry array,
// read as KVM_GET_SUPPORTED_CPUID, the only cpuid2 that has no other marker).

import type { z } from 'zod';
import type { InputFormat } from './types';
import type { InitVmPayload, KvmCpuidEntry, KvmInput, TdxCapabilities } from '../model/inputs';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { stripBom } from '../model/text';
import { lineOfPath, parseJson } from '../ingest/json-text';
import { parseU32, parseU64 } from '../ingest/numbers';
import {
  KVM_JSON_SCHEMA_ID,
  cpuid2,
  kvmCapture,
  tdxCapabilities616,
  tdxCapabilitiesLegacy,
  tdxInitVm,
  type Cpuid2Json,
} from '../ingest/kvm-schema';

const ID = 'kvm-json';
/** TDX_CPUID_NO_SUBLEAF (pre-upstream arch/x86/include/asm/tdx.h): the leaf has no sub-leaves. */
const NO_SUBLEAF = 0xffffffff;
const FLAG_SIGNIFICANT_INDEX = 1;

function u32(v: string | number): number {
  return parseU32(v) ?? 0; // schema-checked before this is called
}
function u64(v: string | number): bigint {
  return parseU64(v) ?? 0n;
}

/** "1.5.6" -> "1.5.06": the update number has two digits, as dmesg prints it. */
function normaliseModuleVersion(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? `${m[1]}.${m[2]}.${m[3]!.padStart(2, '0')}` : v;
}

export function entriesOf(c: Cpuid2Json): KvmCpuidEntry[] {
  const list = Array.isArray(c) ? c : c.entries;
  return list.map((e) => ({
    function: u32(e.function),
    index: e.index === undefined ? 0 : u32(e.index),
    flags: e.flags === undefined ? 0 : u32(e.flags),
    eax: u32(e.eax),
    ebx: u32(e.ebx),
    ecx: u32(e.ecx),
    edx: u32(e.edx),
  }));
}

function capsOf(c: z.infer<typeof tdxCapabilities616> | z.infer<typeof tdxCapabilitiesLegacy>): TdxCapabilities {
  if ('cpuid_configs' in c) {
    return {
      abi: 'legacy',
      supportedAttrs: u64(c.attrs_fixed0),
      supportedXfam: u64(c.xfam_fixed0),
      attrsFixed1: u64(c.attrs_fixed1),
      xfamFixed1: u64(c.xfam_fixed1),
      ...(c.supported_gpaw === undefined ? {} : { supportedGpaw: u32(c.supported_gpaw) }),
      cpuid: c.cpuid_configs.map((k) => {
        const sub = u32(k.sub_leaf);
        return {
          function: u32(k.leaf),
          index: sub === NO_SUBLEAF ? 0 : sub,
          flags: sub === NO_SUBLEAF ? 0 : FLAG_SIGNIFICANT_INDEX,
          eax: u32(k.eax),
          ebx: u32(k.ebx),
          ecx: u32(k.ecx),
          edx: u32(k.edx),
        };
      }),
    };
  }
  return { abi: '6.16', supportedAttrs: u64(c.supported_attrs), supportedXfam: u64(c.supported_xfam), cpuid: entriesOf(c.cpuid) };
}

function initVmOf(v: z.infer<typeof tdxInitVm>): InitVmPayload {
  return { attributes: u64(v.attributes), xfam: u64(v.xfam), cpuid: entriesOf(v.cpuid) };
}

type Shape = 'capture' | 'caps' | 'legacy-caps' | 'init-vm' | 'cpuid2';

function shapeOf(text: string): Shape | null {
  const head = text.slice(0, 65536);
  if (new RegExp(`"schema"\\s*:\\s*"${KVM_JSON_SCHEMA_ID.replace(/\//g, '\\/')}"`).test(head)) return 'capture';
  if (/"attrs_fixed0"\s*:/.test(head) && /"cpuid_configs"\s*:/.test(text)) return 'legacy-caps';
  if (/"supported_attrs"\s*:/.test(head) && /"supported_xfam"\s*:/.test(head)) return 'caps';
  if (/"attributes"\s*:/.test(head) && /"xfam"\s*:/.test(head) && /"cpuid"\s*:/.test(head)) return 'init-vm';
  if (/"function"\s*:/.test(head) && /"eax"\s*:/.test(head) && /"edx"\s*:/.test(head)) return 'cpuid2';
  return null;
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly errors?: readonly (readonly IssueLike[])[];
}

/** A union error says only "no branch matched"; the branch that got furthest says why. */
function deepest(issue: IssueLike): IssueLike {
  if (!issue.errors?.length) return issue;
  let best: IssueLike = issue;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      const d = deepest({ ...sub, path: [...issue.path, ...sub.path] });
      if (d.path.length > best.path.length) best = d;
    }
  }
  return best;
}

function check<T>(schema: z.ZodType<T>, value: unknown, text: string, name: string, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = deepest(r.error.issues[0]!);
  const where = issue.path.map(String).join('.') || '(top level)';
  throw new FormatError(name, lineOfPath(text, issue.path), `${what} (${where}: ${issue.message})`, undefined, ID);
}

export const kvmJson: InputFormat<KvmInput> = {
  id: ID,
  title: 'KVM capture JSON (tdx-cpuid/kvm/v1)',
  role: 'kvmSupported',
  detect(text) {
    const t = stripBom(text).trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return null;
    const shape = shapeOf(t);
    switch (shape) {
      case 'capture':
        return { confidence: 1, reason: `KVM capture JSON (schema ${KVM_JSON_SCHEMA_ID})` };
      case 'caps':
        return { confidence: 0.85, reason: 'KVM_TDX_CAPABILITIES as JSON (supported_attrs, supported_xfam, cpuid)' };
      case 'legacy-caps':
        return { confidence: 0.85, reason: 'KVM_TDX_CAPABILITIES as JSON, pre-upstream ABI (attrs_fixed0, cpuid_configs)' };
      case 'init-vm':
        return { confidence: 0.7, reason: 'KVM_TDX_INIT_VM payload as JSON (attributes, xfam, cpuid)' };
      case 'cpuid2':
        return { confidence: 0.55, reason: 'kvm_cpuid2 entries as JSON (read as KVM_GET_SUPPORTED_CPUID)' };
      default:
        return null;
    }
  },
  parse(text, name) {
    const t = stripBom(text);
    if (t.trim() === '') throw new FormatError(name, 0, 'a KVM capture JSON object', '', ID);
    const value = parseJson(t, name, ID);
    const warnings: ParseWarning[] = [];
    const shape = shapeOf(t.trimStart());
    const base = { kind: 'kvm' as const, format: ID, name, warnings };
    switch (shape) {
      case 'capture': {
        const c = check(kvmCapture, value, t, name, `a ${KVM_JSON_SCHEMA_ID} capture`);
        const out: KvmInput = {
          ...base,
          ...(c.kernel === undefined ? {} : { kernel: c.kernel }),
          ...(c.kvm_supported_cpuid === undefined ? {} : { kvmSupported: entriesOf(c.kvm_supported_cpuid) }),
          ...(c.tdx_capabilities === undefined ? {} : { tdxCaps: capsOf(c.tdx_capabilities) }),
          ...(c.tdx_init_vm === undefined ? {} : { initVm: initVmOf(c.tdx_init_vm) }),
          ...(c.tdx_get_cpuid === undefined ? {} : { tdCpuid: entriesOf(c.tdx_get_cpuid) }),
          ...(c.set_cpuid2 === undefined ? {} : { setCpuid: entriesOf(c.set_cpuid2) }),
          ...(c.tdx_module === undefined
            ? {}
            : {
                tdxModule: {
                  version: normaliseModuleVersion(c.tdx_module.version),
                  ...(c.tdx_module.build_num === undefined && c.tdx_module.build_date === undefined
                    ? {}
                    : { build: { ...(c.tdx_module.build_num === undefined ? {} : { number: c.tdx_module.build_num }), ...(c.tdx_module.build_date === undefined ? {} : { date: c.tdx_module.build_date }) } }),
                  ...(c.tdx_module.source === undefined ? {} : { source: c.tdx_module.source }),
                },
              }),
          ...(c.notes === undefined ? {} : { captureNotes: c.notes }),
        };
        if (!out.kvmSupported && !out.tdxCaps && !out.initVm && !out.tdCpuid && !out.setCpuid && !out.tdxModule) {
          warnings.push({ line: 1, message: 'the capture holds no KVM structure (only notes)' });
        }
        return out;
      }
      case 'caps':
        return { ...base, tdxCaps: capsOf(check(tdxCapabilities616, value, t, name, 'KVM_TDX_CAPABILITIES (6.16)')) };
      case 'legacy-caps':
        return { ...base, tdxCaps: capsOf(check(tdxCapabilitiesLegacy, value, t, name, 'KVM_TDX_CAPABILITIES (pre-upstream)')) };
      case 'init-vm':
        return { ...base, initVm: initVmOf(check(tdxInitVm, value, t, name, 'KVM_TDX_INIT_VM')) };
      case 'cpuid2':
        warnings.push({ line: 1, message: 'a bare kvm_cpuid2 says not which ioctl it came from; read as KVM_GET_SUPPORTED_CPUID' });
        return { ...base, kvmSupported: entriesOf(check(cpuid2, value, t, name, 'kvm_cpuid2 entries')) };
      default:
        throw new FormatError(name, 1, `a ${KVM_JSON_SCHEMA_ID} capture or a KVM TDX structure (supported_attrs, cpuid_configs, entries)`, t.trim().split('\n')[0], ID);
    }
  },
};
