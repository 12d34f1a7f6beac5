import { describe, expect, it } from 'vitest';
import { baselineReport, diffReport, moduleDiffReport } from './build-compare';
import { auditPrintHtml } from './html-audit';
import { renderHtml } from './render-html';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';
import type { InputSummary } from '../engine/types';
import { moduleDiff } from '../compare/module-diff';

const DATE = '2026-01-01';
const input = (path: string, layer: InputSummary['layer'] = 'host'): InputSummary => ({ path, sha256: 'c'.repeat(64), format: 'cpuid-r', layer });

describe('diffReport', () => {
  const report = diffReport(
    {
      a: input('hosts/spr.txt'),
      b: input('hosts/emr <b>.txt'),
      layer: 'host',
      compared: 900,
      differences: [
        { leaf: 7, subleaf: 1, reg: 'eax', bit: 5, name: 'avx512_bf16', a: 0, b: 1 },
        { leaf: 7, subleaf: 0, reg: 'edx', bit: 8, name: 'avx512_vp2intersect', a: 1, b: 0 },
        { leaf: 1, subleaf: null, reg: 'eax', bits: [0, 3], name: 'stepping', a: 8, b: 2, cpu: 0 },
        { leaf: 0x1f, subleaf: 2, reg: 'ebx', bits: [0, 15], name: 'lp_count', a: 56, b: null },
      ],
    },
    { date: DATE },
  );

  it('groups differences by direction with A/B columns', () => {
    expect(report.kind).toBe('diff');
    expect(report.columns.map((c) => `${c.symbol}=${c.title}`)).toEqual(['A=spr.txt', 'B=emr <b>.txt']);
    expect(report.sections.map((s) => s.heading)).toEqual([
      'Set in A only (1 difference)',
      'Set in B only (1 difference)',
      'Fields with different values (1 difference)',
      'Known in one source only (1 difference)',
    ]);
    expect(report.differences.rows.map((r) => r.name)).toEqual(['stepping', 'avx512_vp2intersect', 'avx512_bf16', 'lp_count']);
    expect(report.differences.rows[0]!.reasons).toEqual(['A 8, B 2 (CPU 0)']);
    expect(report.inputs.map((i) => i.layer)).toEqual(['A: host', 'B: host']);
    expect(report.summary).toMatchObject({ rows: 900, differences: 4 });
    expect(report.registerMap!.strips).toHaveLength(4);
    expect(report.registerMap!.strips[2]!.cells[5]).toMatchObject({ value: 1, marked: true });
  });

  it('renders to safe HTML, Markdown and JSON', () => {
    const html = renderHtml(report);
    expect(auditPrintHtml(html)).toEqual([]);
    expect(html).toContain('emr &lt;b&gt;.txt');
    expect(renderMarkdown(report)).toContain('## Differences by kind');
    expect(JSON.parse(renderJson(report)).kind).toBe('diff');
  });

  it('says so when the sources agree', () => {
    const same = diffReport({ a: input('a'), b: input('b'), layer: 'host', differences: [] }, { date: DATE });
    expect(same.sections).toEqual([]);
    expect(same.registerMap).toBeNull();
    expect(renderHtml(same)).toContain('The two sources agree on every bit.');
  });
});

describe('moduleDiffReport (real module tables)', () => {
  // tdx-cpuid-model.md 2.2: from 1.5.09 MCE, MTRR, MCA (1.EDX[7,12,14]) and CORE_CAPABILITIES
  // (7.0.EDX[30]) move from native-verified to configurable; leaf 6 gets ARAT fixed1 and is no
  // longer faulting; the configurable list gains leaf 0x19 and leaf 0x18 sub-leaves 0-8.
  const diff = moduleDiff('1.5.06', '1.5.09');
  const report = moduleDiffReport(diff, { date: DATE, appendix: true });

  it('groups the class changes by transition, the most common first', () => {
    const headings = report.sections.map((s) => s.heading);
    expect(headings[0]).toMatch(/^ABSENT → NATIVE \(\d+ bits\)$/);
    const toConfig = report.sections.find((s) => s.heading.startsWith('NATIVE_VERIFIED_1 → CONFIG_AND_NATIVE'))!;
    expect(toConfig.rows.map((r) => r.name)).toEqual(['mce', 'mtrr', 'mca', 'core_capabilities']);
    expect(toConfig.rows[0]!.reasons).toEqual([]);
    const mce = report.appendix!.rows.find((r) => r.name === 'mce')!;
    expect(mce.reasons).toEqual(['1.5.06: NATIVE_VERIFIED_1', '1.5.09: CONFIG_AND_NATIVE']);
    // Runs of bits with one change are one line; every changed bit is in the appendix.
    expect(report.differences.rows.length).toBe(diff.ranges.length);
    expect(report.appendix!.rows.length).toBe(diff.changes.length);
    // Leaf 0x18 sub-leaf 0 is new in 1.5.09: EAX changes as one 32-bit run.
    const leaf18 = report.differences.rows.find((r) => r.leaf === 0x18 && r.subleaf === 0 && r.reg === 'eax')!;
    expect(leaf18).toMatchObject({ bits: [0, 31], values: { from: 'ABSENT', to: 'NATIVE' } });
    const arat = report.differences.rows.find((r) => r.leaf === 6 && r.reg === 'eax' && r.bit === 2)!;
    expect(arat.values).toEqual({ from: 'FAULTING', to: 'FIXED1' });
    const added = report.context.items.find((c) => c.key === 'configurableAdded')!.value;
    expect(added).toContain('0x19');
    expect(added).toContain('0x18.8');
  });

  it('maps the changed registers by their new class and marks every change', () => {
    const map = report.registerMap!;
    const s6 = map.strips.find((s) => s.leaf === 6 && s.reg === 'eax')!;
    expect(s6.cells[2]).toMatchObject({ class: 'FIXED1', marked: true });
    const marked = map.strips.reduce((n, s) => n + s.cells.filter((c) => c.marked).length, 0);
    expect(marked).toBe(diff.changes.length);
    const html = renderHtml(report);
    expect(auditPrintHtml(html)).toEqual([]);
    expect(html).toContain('NATIVE_<wbr>VERIFIED_<wbr>1');
    expect(report.inputs).toEqual([]);
  });
});

describe('baselineReport', () => {
  const report = baselineReport(
    {
      hosts: [{ input: input('spr.txt') }, { input: input('emr.txt') }, { input: input('gnr.txt'), label: 'Granite' }],
      module: '2.0.08',
      commonCpu: 'host,-amx-fp16',
      differences: [
        { leaf: 7, subleaf: 1, reg: 'eax', bit: 21, name: 'amx_fp16', values: [0, 0, 1], class: 'CONFIG_AND_NATIVE', flag: '-amx-fp16' },
        { leaf: 1, subleaf: null, reg: 'eax', bits: [4, 7], name: 'model', values: [15, 15, 13], class: 'CONFIG_DIRECT', flag: null },
      ],
    },
    { date: DATE },
  );

  it('has a column per host and separates what -cpu flags can align', () => {
    expect(report.columns.map((c) => c.title)).toEqual(['spr.txt', 'emr.txt', 'Granite']);
    expect(report.sections.map((s) => s.heading)).toEqual(['Aligned by -cpu flags (1 bit)', 'Not alignable (1 bit)']);
    expect(report.sections[0]!.message).toContain('-cpu host,-amx-fp16');
    expect(report.differences.rows[1]!.values).toEqual({ h1: 0, h2: 0, h3: 1 });
    expect(report.context.items.find((c) => c.key === 'commonCpu')!.value).toBe('host,-amx-fp16');
    expect(report.inputs).toHaveLength(3);
    expect(auditPrintHtml(renderHtml(report))).toEqual([]);
  });
});
