// The engine commands end to end: reconcile (JSON per the contract, text, Markdown, exit codes
// with --fail-on, usage errors), explain, modules, module-diff; and determinism: the same
// command twice gives the same bytes (run as a real process).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReconcile } from './reconcile';
import { runExplain } from './explain';
import { modulesText } from './modules';
import { moduleDiffJson, moduleDiffText } from './module-diff';
import { moduleDiff } from '../../../shared/compare/module-diff';
import { CliError } from '../errors';

const root = resolve(__dirname, '../../..');
const corpus = (f: string): string => resolve(root, 'test/fixtures/corpus', f);
const SPR = corpus('aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt');
const GNR = corpus('libvirt_cputestdata/x86_64-cpuid-Xeon-6788P.xml');
const AMD = corpus('aida64_instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt');

interface ReconcileJson {
  schema: string;
  inputs: { path: string; sha256: string; format: string; layer: string }[];
  context: { module: { requested: string | null; table: string; exact: boolean }; kernel: string; qemu: string; cpu: string; attributes: number; xfam: number; assumptions: string[] };
  predicted: {
    tdxCaps: { supportedAttrs: number; supportedXfam: number; cpuid: { leaf: number; subleaf: number; eax: number; ebx: number; ecx: number; edx: number }[] };
    td: { leaf: number; subleaf: number | null; eax: number; ebx: number; ecx: number; edx: number }[];
    faultingLeaves: { leaf: number; subleaf: number | null }[];
  };
  bits: { leaf: number; subleaf: number | null; reg: string; bit: number; name: string | null; class: string; gates: string[]; values: Record<string, number | null>; reasons: string[] }[];
  findings: { rule: string; severity: string; bits: unknown[]; message: string; source: string }[];
  summary: { errors: number; warnings: number; infos: number };
}

describe('tdx-cpuid reconcile', () => {
  it('prints the tdx-cpuid/reconcile/v1 JSON of the contract', async () => {
    const { text, code } = await runReconcile([SPR], { json: true, module: '1.5.06' });
    expect(code).toBe(0);
    const j = JSON.parse(text) as ReconcileJson;
    expect(j.schema).toBe('tdx-cpuid/reconcile/v1');
    expect(j.inputs).toEqual([expect.objectContaining({ path: SPR, format: 'aida64', layer: 'host' })]);
    expect(j.inputs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(j.context).toMatchObject({ module: { requested: '1.5.06', table: '1.5.06', exact: true }, kernel: '6.16', cpu: 'host', attributes: 0x10000000, xfam: 0x602e7 });
    expect(j.predicted.tdxCaps).toMatchObject({ supportedAttrs: 0x10000000, supportedXfam: 0x602e7 });
    // One capabilities entry per configurable slot, module order, sub-leaf 0 for leaves without.
    expect(j.predicted.tdxCaps.cpuid.map((c) => [c.leaf, c.subleaf]).slice(0, 2)).toEqual([[1, 0], [4, 0]]);
    expect(j.predicted.faultingLeaves).toContainEqual({ leaf: 6, subleaf: null });
    const avx512f = j.bits.find((b) => b.leaf === 7 && b.subleaf === 0 && b.reg === 'ebx' && b.bit === 16)!;
    expect(avx512f).toMatchObject({ name: 'avx512f', class: 'CONFIG_AND_NATIVE', gates: ['XFAM:5', 'XFAM:6', 'XFAM:7'] });
    expect(avx512f.values).toMatchObject({ host: 1, tdxCaps: 1, qemuSupported: 1, requested: 1, initVm: 1, td: 1 });
    expect(avx512f.reasons).toEqual([
      'host 1',
      'module 1.5.06: configurable and native (allow_direct): the TD gets host AND configured, XFAM[5,6,7] required',
      'KVM supports it (KVM_GET_SUPPORTED_CPUID)',
      'KVM_TDX_CAPABILITIES offers it',
      'QEMU supports it (configurable in the TDX capabilities)',
      'QEMU -cpu host requests it',
      'KVM_TDX_INIT_VM configures 1',
      'TD 1',
    ]);
    // Every bit of every leaf: 32 per register, sorted.
    expect(j.bits.length % 32).toBe(0);
    for (let i = 1; i < j.bits.length; i++) {
      const a = j.bits[i - 1]!;
      const b = j.bits[i]!;
      const ka = [a.leaf, a.subleaf ?? -1, ['eax', 'ebx', 'ecx', 'edx'].indexOf(a.reg), a.bit];
      const kb = [b.leaf, b.subleaf ?? -1, ['eax', 'ebx', 'ecx', 'edx'].indexOf(b.reg), b.bit];
      expect(ka < kb || ka.some((x, k) => x !== kb[k] && x! < kb[k]! && ka.slice(0, k).every((y, m) => y === kb[m]))).toBe(true);
    }
    expect(j.summary.errors).toBe(0);
    expect(j.findings.some((f) => f.rule === 'module-init-verify')).toBe(false);
  });

  it('exit 1 when a finding reaches --fail-on, 0 with --fail-on none', async () => {
    const bad = await runReconcile([AMD], { json: true });
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.text) as ReconcileJson;
    expect(j.findings[0]).toMatchObject({ rule: 'module-init-verify', severity: 'error' });
    expect((await runReconcile([AMD], { failOn: 'none' })).code).toBe(0);
  });

  it('text and Markdown say what was assumed, what each stage does, and what changed', async () => {
    const text = (await runReconcile([GNR], {})).text;
    expect(text).toMatch(/^TDX CPUID reconciliation/);
    expect(text).toMatch(/TDX module 2\.0\.18 \[from default\]/);
    expect(text).toMatch(/Assumed \(no input said otherwise\):\n {2}- TDX module 2\.0\.18/);
    expect(text).toMatch(/TD created: yes/);
    const spr = (await runReconcile([SPR], {})).text;
    expect(spr).toMatch(/7\.0\.EBX\[4\] hle: host 1 -> TD 0 \[CONFIG_AND_NATIVE\] KVM removes it from KVM_TDX_CAPABILITIES/);
    const md = (await runReconcile([SPR], { md: true })).text;
    expect(md).toMatch(/^# TDX CPUID reconciliation/);
    expect(md).toMatch(/\| 7\.0\.EBX\[4\] \| hle \| 1 \| 0 \| CONFIG_AND_NATIVE \|/);
  });

  it('usage errors are CliErrors (exit 2 in the CLI)', async () => {
    await expect(runReconcile([SPR], { json: true, md: true })).rejects.toThrow(CliError);
    await expect(runReconcile([SPR], { pmu: 'maybe' })).rejects.toThrow(/--pmu expects on or off/);
    await expect(runReconcile([SPR], { attributes: 'xyz' })).rejects.toThrow(/--attributes expects a hexadecimal/);
    await expect(runReconcile([SPR], { module: 'latest' })).rejects.toThrow(/not a version like 1\.5\.06/);
    await expect(runReconcile([SPR], { failOn: 'fatal' })).rejects.toThrow(/--fail-on/);
  });

  it('applies the context options', async () => {
    const j = JSON.parse((await runReconcile([SPR], { json: true, module: '1.5.07', cpu: 'host,-avx512f', kernel: '6.12' })).text) as ReconcileJson;
    expect(j.context.module).toMatchObject({ requested: '1.5.07', table: '1.5.06', exact: false });
    expect(j.context.kernel).toBe('6.12');
    const avx512f = j.bits.find((b) => b.leaf === 7 && b.subleaf === 0 && b.reg === 'ebx' && b.bit === 16)!;
    expect(avx512f.values).toMatchObject({ requested: 0, td: 0 });
    expect(avx512f.reasons).toContain('QEMU -cpu host,-avx512f removes it (-avx512f)');
    // 6.12: the legacy TDX capabilities ABI (pre-upstream trees), which does not clear HLE/RTM.
    expect((j.context as unknown as { kernelTable: string }).kernelTable).toBe('6.12.0');
    const caps7 = j.predicted.tdxCaps.cpuid.find((c) => c.leaf === 7 && c.subleaf === 0)!;
    expect(caps7.ebx & 0x810).toBe(0x810);
  });
});

describe('tdx-cpuid explain', () => {
  it('tells one bit\'s story by name or address', async () => {
    const byName = await runExplain('pks', [SPR], { module: '1.5.06' });
    expect(byName.text).toMatch(/^7\.0\.ECX\[31\] pks/);
    expect(byName.text).toMatch(/class NATIVE_VERIFIED_1, gates ATTR:PKS/);
    expect(byName.text).toMatch(/-> module: PKS := ATTRIBUTES\.PKS \(0\)\n {2}-> TD 0/);
    const byAddress = JSON.parse((await runExplain('7.0.ebx.16', [SPR], { module: '1.5.06', json: true })).text) as { schema: string; bit: { name: string }; row: { class: string } };
    expect(byAddress).toMatchObject({ schema: 'tdx-cpuid/explain/v1', bit: { name: 'avx512f' }, row: { class: 'CONFIG_AND_NATIVE' } });
    await expect(runExplain('no-such-bit', [SPR], {})).rejects.toThrow(/neither a bit address/);
  });
});

describe('tdx-cpuid modules and module-diff', () => {
  it('lists every module version', () => {
    const j = JSON.parse(modulesText(true)) as { schema: string; modules: { version: string; lookupEntries: number; configurableEntries: number; veReduction: boolean }[] };
    expect(j.schema).toBe('tdx-cpuid/modules/v1');
    expect(j.modules.map((m) => m.version)).toHaveLength(19);
    expect(j.modules.find((m) => m.version === '2.0.18')).toMatchObject({ lookupEntries: 79, configurableEntries: 28, veReduction: true });
    expect(modulesText(false)).toMatch(/^1\.5\.06 +744 +20240407 +source +69 +18 +2 no/m);
  });

  it('shows per bit how the class changed', () => {
    const d = moduleDiff('1.5.06', '1.5.09');
    expect(moduleDiffText(d)).toMatch(/^1\.EDX\[7\] mce: NATIVE_VERIFIED_1 -> CONFIG_AND_NATIVE$/m);
    expect(moduleDiffText(d)).toMatch(/^6\.EAX\[2\] arat: FAULTING -> FIXED1$/m);
    const j = JSON.parse(moduleDiffJson(d)) as { schema: string; changes: { leaf: number; bit: number; from: string; to: string }[] };
    expect(j.schema).toBe('tdx-cpuid/module-diff/v1');
    expect(j.changes).toContainEqual(expect.objectContaining({ leaf: 1, bit: 7, from: 'NATIVE_VERIFIED_1', to: 'CONFIG_AND_NATIVE' }));
  });
});

describe('the CLI process', () => {
  const cli = resolve(root, 'bin/tdx-cpuid.mjs');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: root });

  it('gives identical bytes for the same command twice', () => {
    for (const args of [['reconcile', SPR, '--json', '--module', '1.5.06'], ['reconcile', GNR], ['explain', 'avx512f', GNR, '--md'], ['module-diff', '1.5.06', '2.0.18', '--json']]) {
      const a = run(...args);
      const b = run(...args);
      expect(a.status, a.stderr).toBe(0);
      expect(a.stdout.length).toBeGreaterThan(100);
      expect(b.stdout).toBe(a.stdout);
    }
  }, 240_000);

  it('exit codes: 1 for findings, 2 for usage errors and unreadable input, never a stack trace', () => {
    expect(run('reconcile', AMD).status).toBe(1);
    const usage = run('reconcile', SPR, '--pmu', 'maybe');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^tdx-cpuid: --pmu expects on or off/);
    const missing = run('reconcile', corpus('no-such-file.txt'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(run('module-diff', '1.5.06', 'x').status).toBe(2);
  }, 240_000);
});
