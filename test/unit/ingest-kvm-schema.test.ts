import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kvmCaptureJsonSchema, kvmCapture } from '../../shared/ingest/kvm-schema';

const FILE = 'docs/kvm-json.schema.json';

describe('KVM capture JSON Schema', () => {
  it('docs/kvm-json.schema.json is the one generated from the zod schema (UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = `${JSON.stringify(kvmCaptureJsonSchema(), null, 2)}\n`;
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(FILE, generated);
    expect(readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('accepts the documented example forms and refuses wrong numbers', () => {
    const ok = kvmCapture.safeParse({
      schema: 'tdx-cpuid/kvm/v1',
      kvm_supported_cpuid: [{ function: '0x7', index: 0, eax: 2, ebx: '0xf1bf27ab', ecx: '123', edx: 0 }],
      tdx_capabilities: { attrs_fixed0: '0xd0000001', attrs_fixed1: 0, xfam_fixed0: '0x618ff', xfam_fixed1: 3, cpuid_configs: [] },
      tdx_module: { version: '1.5.06', build_num: 744 },
    });
    expect(ok.success).toBe(true);
    expect(kvmCapture.safeParse({ schema: 'tdx-cpuid/kvm/v1', kvm_supported_cpuid: [{ function: '0x1ffffffff', eax: 0, ebx: 0, ecx: 0, edx: 0 }] }).success).toBe(false);
    expect(kvmCapture.safeParse({ schema: 'tdx-cpuid/kvm/v2' }).success).toBe(false);
  });
});
