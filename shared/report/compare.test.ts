import { describe, expect, it } from 'vitest';
import { baselineReport, diffReport, moduleDiffReport } from './build-compare';
import { auditPrintHtml } from './html-audit';
import { renderHtml } from './render-html';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';
import type { InputSummary } from '../engine/types';

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

describe('moduleDiffReport', () => {
  const report = moduleDiffReport(
    {
      from: '1.5.06',
      to: '1.5.09',
      source: 'tdx-module-cpuid.json',
      changes: [
        { leaf: 1, subleaf: null, reg: 'edx', bit: 7, name: 'mce', from: 'NATIVE_VERIFIED_1', to: 'CONFIG_DIRECT' },
        { leaf: 1, subleaf: null, reg: 'edx', bit: 12, name: 'mtrr', from: 'NATIVE_VERIFIED_1', to: 'CONFIG_DIRECT' },
        { leaf: 6, subleaf: null, reg: 'eax', bit: 2, name: 'arat', from: 'FAULTING', to: 'FIXED1', note: 'leaf 6 leaves the faulting list in 1.5.09' },
      ],
    },
    { date: DATE },
  );

  it('makes one section per class transition, the most common first', () => {
    expect(report.sections.map((s) => s.heading)).toEqual(['NATIVE_VERIFIED_1 → CONFIG_DIRECT (2 bits)', 'FAULTING → FIXED1 (1 bit)']);
    expect(report.sections[1]!.rows[0]!.reasons).toEqual(['1.5.06: FAULTING', '1.5.09: FIXED1', 'leaf 6 leaves the faulting list in 1.5.09']);
    expect(report.differences.rows[0]!.values).toEqual({ from: 'NATIVE_VERIFIED_1', to: 'CONFIG_DIRECT' });
    expect(report.registerMap!.strips.map((s) => s.cells.filter((c) => c.marked).length)).toEqual([2, 1]);
    expect(report.registerMap!.strips[1]!.cells[2]!.class).toBe('FIXED1');
    expect(report.inputs).toEqual([]);
    const html = renderHtml(report);
    expect(auditPrintHtml(html)).toEqual([]);
    expect(html).toContain('NATIVE_<wbr>VERIFIED_<wbr>1');
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
