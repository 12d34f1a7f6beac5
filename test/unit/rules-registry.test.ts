// The rule registry as the CLI contract needs it: every id of tdx-cpuid-model.md section 5,
// complete metadata, findings well-formed and deterministically sorted on every corpus Xeon,
// and every rule covered by a test that triggers it and one that must not.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, ruleById, ruleMetas } from '../../shared/engine/rules/registry';
import { SEVERITIES } from '../../shared/engine/types';
import type { Finding } from '../../shared/engine/types';
import { moduleVersions } from '../../shared/knowledge/tdx-module/module-table';
import { TDX_XEONS, corpusDump } from './engine-corpus';
import { run } from './rules-helpers';

/** The ids of tdx-cpuid-model.md section 5 (part of the CLI contract). */
const MODEL_IDS = [
  'module-init-verify',
  'lp-inconsistent',
  'fms-min-stepping',
  'config-not-configurable',
  'kvm-rejects-config',
  'attrs-or-xfam-unsupported',
  'tsc-frequency',
  'requested-unavailable',
  'forced-on',
  'qemu-table-stale',
  'kvm-view-mismatch',
  'prediction-mismatch',
  'guest-differs',
  've-leaf',
  'host-lacks',
  'guest-controlled',
  'unknown-version',
];

describe('rule registry', () => {
  it('has every id of the model document, each once', () => {
    for (const id of MODEL_IDS) expect(ruleById(id), id).toBeDefined();
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['qemu-warnings-check', 'seamcall-error', 'named-cpu-model', 'module-too-old-for-kvm', 'tdx-host-disabled']));
  });

  it('metadata is complete: kebab-case id, severity, title, description, a source that cites the model document', () => {
    for (const m of ruleMetas()) {
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(SEVERITIES).toContain(m.severity);
      expect(m.title.length, m.id).toBeGreaterThan(10);
      expect(m.description.length, m.id).toBeGreaterThan(60);
      expect(m.source, m.id).toMatch(/tdx-cpuid-model\.md|Linux|QEMU|TDX module/);
      expect(m.layers.length, m.id).toBeGreaterThan(0);
    }
    const sorted = ruleMetas().map((m) => m.id);
    expect(sorted).toEqual([...sorted].sort());
  });

  it('every rule is named in a rule test file that triggers it and one that must not', () => {
    const dir = resolve(__dirname);
    const text = readdirSync(dir)
      .filter((f) => /^rules-.*\.test\.ts$/.test(f) && f !== 'rules-registry.test.ts')
      .map((f) => readFileSync(resolve(dir, f), 'utf8'))
      .join('\n');
    const own = readFileSync(resolve(__dirname, '../../shared/engine/rules/module-init-verify.test.ts'), 'utf8');
    for (const r of RULES) {
      const src = r.meta.id === 'module-init-verify' ? own : text;
      expect(src, r.meta.id).toMatch(new RegExp(`['"\`]${r.meta.id}['"\`]`));
      // Each describe block has a "does not"/"must not"-style case (checked loosely: a negative test exists).
      const start = src.indexOf(`describe('${r.meta.id}'`);
      const rest = start >= 0 ? src.slice(start) : src;
      const next = start >= 0 ? rest.indexOf('\ndescribe(', 1) : -1;
      const block = next > 0 ? rest.slice(0, next) : rest;
      expect(block, r.meta.id).toMatch(/it\(['"`](does not|is fine|module 1\.5\.06 has no|-cpu host is fine)/);
    }
  });
});

function wellFormed(f: Finding): void {
  const meta = ruleById(f.rule)!;
  expect(meta, f.rule).toBeDefined();
  expect(f.source).toBe(meta.meta.source);
  expect(f.message.length).toBeGreaterThan(20);
  expect(f.message).not.toMatch(/rule \S+ failed:/);
  for (const b of f.bits) expect(Object.keys(b).sort()).toEqual(['bit', 'leaf', 'reg', 'subleaf']);
}

describe('findings on every corpus Xeon', () => {
  it('are well-formed, sorted by severity, rule and first bit, and the same bytes twice', async () => {
    const order = { error: 0, warning: 1, info: 2 } as const;
    for (const x of TDX_XEONS) {
      const host = await corpusDump(x.file);
      for (const v of ['1.0.3', '1.5.06', '1.5.09', '2.0.18']) {
        const a = run(host, { module: v, cpu: 'host,+avx-ifma,check' });
        a.findings.forEach(wellFormed);
        for (let i = 1; i < a.findings.length; i++) {
          const p = a.findings[i - 1]!;
          const c = a.findings[i]!;
          expect(order[p.severity] < order[c.severity] || (p.severity === c.severity && p.rule <= c.rule), `${x.cpu} ${v}`).toBe(true);
        }
        const b = run(host, { module: v, cpu: 'host,+avx-ifma,check' });
        expect(JSON.stringify(b.findings)).toBe(JSON.stringify(a.findings));
      }
    }
  });

  it('with its default module every Xeon gets a TD: no error findings', async () => {
    for (const x of TDX_XEONS) {
      const r = run(await corpusDump(x.file));
      expect(r.findings.filter((f) => f.severity === 'error'), x.cpu).toEqual([]);
    }
  });

  it('without a host only knowledge-level findings remain (no guessed capabilities)', () => {
    for (const v of ['1.5.06', '2.0.18']) {
      const r = run(null, { module: v });
      expect(r.findings.filter((f) => f.severity === 'error'), v).toEqual([]);
      expect(new Set(r.findings.map((f) => f.rule))).toEqual(new Set(['qemu-table-stale', 've-leaf']));
    }
  });

  it('no rule throws for any module version (Sapphire Rapids Xeon Max, 160 CPUs)', async () => {
    const host = await corpusDump('hwloc_gather_cpuid/Intel-SapphireRapids-2xXeonMax9460.tar.bz2');
    for (const v of moduleVersions()) run(host, { module: v }).findings.forEach(wellFormed);
  });
});
