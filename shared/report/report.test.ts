import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reconcileReport } from './build-reconcile';
import { escapeHtml, escapeMarkdown } from './escape';
import { auditPrintHtml } from './html-audit';
import { renderJson } from './render-json';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { renderRegisterMapSvgs } from './register-map-svg';
import { isReportDate } from './text';
import { sampleReconciliation } from './testing.fixture';
import { chainGroups } from './rows';
import { cssString, electronPrintToPdfOptions, printLayout } from './print-layout';
import { reportPrintLayout } from './render-html';

const DATE = '2026-01-01';

describe('reconcileReport', () => {
  const rec = sampleReconciliation();
  const report = reconcileReport(rec, { date: DATE, generator: 'tdx-cpuid 0.1.0' });

  it('lists every input with hash, format and layer', () => {
    expect(report.inputs.map((i) => [i.format, i.layer, i.sha256.length])).toEqual([
      ['aida64', 'host', 64],
      ['dmesg', 'context', 64],
    ]);
    expect(report.title).toBe('TDX CPUID report: GenuineIntel00806F8_SapphireRapids_05_CPUID.txt');
  });

  it('keeps only layer columns that carry a value, in layer order', () => {
    expect(report.columns.map((c) => `${c.symbol}:${c.origin}`)).toEqual([
      'H:captured',
      'C:predicted',
      'Q:predicted',
      'U:predicted',
      'T:predicted',
    ]);
  });

  it('makes one section per finding, in the engine order, with its bits and reason chains', () => {
    expect(report.sections.map((s) => `${s.severity}:${s.rule}`)).toEqual(['error:qemu-table-stale', 'warning:ve-leaf', 'info:forced-on']);
    const forced = report.sections[2]!;
    // 1.ECX[31] is a bit row, 0x80000008.EAX[3] lies in the MAXPA field, 0x21 is in no table.
    expect(forced.rows.map((r) => r.name)).toEqual(['hypervisor', 'maxphyaddr']);
    expect(forced.rows[1]!.bits).toEqual([0, 7]);
    expect(forced.otherBits).toEqual(['0x21.0.EBX[0]']);
    expect(forced.heading).toBe('forced-on: 1.ECX[31], 0x80000008.EAX[3], 0x21.0.EBX[0]');
    const ve = report.sections[1]!;
    expect(ve.rows[0]!.values).toEqual({ host: 1, tdxCaps: null, qemuSupported: 1, requested: 1, td: 0 });
    expect(ve.rows[0]!.reasons).toContain('a Linux TD reads 0');
    expect(report.summary).toMatchObject({ errors: 1, warnings: 1, infos: 1, rows: 6, differences: 2 });
  });

  it('heads a finding that names no bit with what its rule is about', () => {
    const leafOnly = { ...rec.findings[0]!, rule: 've-leaf', bits: [] };
    const r = reconcileReport({ ...rec, findings: [leafOnly] }, { date: DATE });
    expect(r.sections[0]!.heading).toBe('ve-leaf: Expected CPUID data in a leaf that raises #VE');
    const unknownRule = reconcileReport({ ...rec, findings: [{ ...leafOnly, rule: 'no-such-rule' }] }, { date: DATE });
    expect(unknownRule.sections[0]!.heading).toBe('no-such-rule');
  });

  it('tables every disagreement and, on request, every bit', () => {
    expect(report.differences.rows.map((r) => r.name)).toEqual(['arat', 'pks']);
    expect(report.appendix).toBeNull();
    const full = reconcileReport(rec, { date: DATE, appendix: true });
    expect(full.appendix!.rows.map((r) => r.name)).toEqual(['hypervisor', 'arat', 'hle', 'avx512f', 'pks', 'maxphyaddr']);
  });

  it('describes the context with named ATTRIBUTES and XFAM bits and the layer origins', () => {
    const ctx = Object.fromEntries(report.context.items.map((c) => [c.key, c.value]));
    expect(ctx.module).toBe('1.5.06 (exact, from option)');
    expect(ctx.attributes).toBe('0x0000000010000000 (SEPT_VE_DISABLE)');
    expect(ctx.xfam).toBe('0x00000000000602e7 (x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM, PKRU, XTILECFG, XTILEDATA)');
    expect(ctx.faultingLeaves).toBe('6');
    expect(ctx.layers).toBe('H Host CPU: captured; C TDX capabilities: predicted; Q QEMU supported: predicted; U Requested (-cpu): predicted; T TD (module): predicted');
    expect(report.context.assumptions).toHaveLength(2);
  });

  it('draws one strip per register, marking disagreements, with fields filling their cells', () => {
    const map = report.registerMap!;
    expect(map.strips.map((s) => `${s.leaf}.${s.subleaf}.${s.reg}`)).toEqual([
      '1.null.ecx',
      '6.null.eax',
      '7.0.ebx',
      '7.0.ecx',
      '2147483656.null.eax',
    ]);
    const s7 = map.strips[2]!;
    expect(s7.cells[16]).toMatchObject({ class: 'CONFIG_AND_NATIVE', value: 1, marked: false });
    expect(s7.cells[4]).toMatchObject({ class: 'CONFIG_AND_NATIVE', value: 0 });
    expect(s7.cells[5]!.class).toBeNull();
    expect(map.strips[1]!.cells[2]).toMatchObject({ class: 'FAULTING', marked: true });
    expect(map.strips[4]!.cells.slice(0, 8).every((c) => c.class === 'NATIVE')).toBe(true);
    expect(map.strips[4]!.cells[8]!.class).toBeNull();
  });

  it('rejects a date that is not a calendar day', () => {
    expect(() => reconcileReport(rec, { date: '2026-02-30' })).toThrow(/YYYY-MM-DD/);
    expect(isReportDate('2024-02-29')).toBe(true);
    expect(isReportDate('2026-1-01')).toBe(false);
  });
});

describe('renderers', () => {
  const report = reconcileReport(sampleReconciliation(), { date: DATE, appendix: true });

  it('JSON follows the report/v1 schema and the contract conventions', () => {
    const json = JSON.parse(renderJson(report)) as Record<string, unknown> & {
      sections: { rows: Record<string, unknown>[] }[];
      registerMap: { strips: { classes: string; values: string; marked: number[] }[] };
    };
    expect(json.schema).toBe('tdx-cpuid/report/v1');
    expect(json.date).toBe(DATE);
    const row = json.sections[1]!.rows[0]!;
    expect(row).toMatchObject({ leaf: 6, subleaf: null, reg: 'eax', bit: 2, class: 'FAULTING' });
    expect(row).not.toHaveProperty('bits');
    const field = json.sections[2]!.rows[1]!;
    expect(field).toMatchObject({ leaf: 0x80000008, bits: [0, 7] });
    expect(field).not.toHaveProperty('bit');
    const strip = json.registerMap.strips[2]!;
    // 7.0.EBX: bit 31 first, so AVX512F (bit 16) is character 15, HLE (bit 4) character 27.
    expect(strip.classes).toHaveLength(32);
    expect(strip.classes[31 - 16]).toBe('A');
    expect(strip.values[31 - 16]).toBe('1');
    expect(strip.values[31 - 4]).toBe('0');
    expect(json.registerMap.strips[1]!.marked).toEqual([2]);
  });

  it('HTML has every part, no script and nothing external', () => {
    const html = renderHtml(report);
    expect(auditPrintHtml(html)).toEqual([]);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    for (const id of ['inputs', 'context', 'summary', 'sections', 'register-map', 'differences', 'appendix']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('a'.repeat(64));
    expect(html).toMatch(/@page {\s*size: A4;/);
    expect(renderHtml(report, { page: 'letter' })).toMatch(/@page {\s*size: Letter;/);
    expect(html).toContain('thead { display: table-header-group; }');
  });

  it('renders the same bytes for the same report', () => {
    const again = reconcileReport(sampleReconciliation(), { date: DATE, appendix: true });
    expect(renderHtml(again)).toBe(renderHtml(report));
    expect(renderMarkdown(again)).toBe(renderMarkdown(report));
    expect(renderJson(again)).toBe(renderJson(report));
  });

  it('Markdown has tables, collapsible reason chains and the text register map', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/^# TDX CPUID report: /);
    expect(md).toContain('| # | File | Format | Layer | SHA-256 |');
    expect(md).toContain('<details><summary>Reason chains (1 bit)</summary>');
    expect(md).toContain('### 1. [ERROR] qemu-table-stale: 7.0.ECX\\[31\\]');
    // 6.EAX: ARAT (bit 2) is faulting and marked.
    expect(md).toMatch(/\n6 EAX +\.{8} \.{8} \.{8} \.{5}F\.\.\n +\^\n/);
  });
});

describe('hostile strings from inputs', () => {
  const report = reconcileReport(sampleReconciliation({ hostile: true }), { date: DATE, appendix: true, title: 'T </title><script>x</script>' });

  it('appear as text in the HTML', () => {
    const html = renderHtml(report);
    expect(auditPrintHtml(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<img|<\/style>[^<]*<\/style>|onerror=alert\(2\)>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;]]&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).toContain('<title>T &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>');
    for (const svg of renderRegisterMapSvgs(report.registerMap!)) expect(svg).not.toContain('<script');
  });

  it('appear as text in the Markdown and the footer template', () => {
    const md = renderMarkdown(report);
    expect(md).not.toMatch(/<script|<img|<\/style/i);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // A pipe in a name cannot end a table cell.
    expect(md).toContain('\\|\\`\\*');
    const footer = printLayout('a4', report.title).footerTemplate;
    expect(footer).not.toContain('<script');
    expect(footer).toContain('&lt;script&gt;');
    // The same text as a CSS string cannot leave its string or the style element.
    expect(cssString(report.title)).toMatch(/^"[^"\\<>]*(?:\\[0-9a-f]+ [^"\\<>]*)*"$/);
  });

  it('survive JSON unchanged', () => {
    const json = JSON.parse(renderJson(report)) as { inputs: { path: string }[] };
    expect(json.inputs[0]!.path).toContain('<script>alert(1)</script></style>]]>');
  });
});

describe('escaping', () => {
  const unescape = (s: string): string =>
    s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

  it('escapeHtml leaves no markup character and round-trips printable text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(unescape(e)).toBe(s);
      }),
    );
  });

  it('escapeHtml replaces control characters and lone surrogates', () => {
    expect(escapeHtml('a\u0000b\u001b\ud800c\t\n')).toBe('a\ufffdb\ufffd\ufffdc\t\n');
  });

  it('escapeMarkdown keeps a value on one line and inside its cell', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const e = escapeMarkdown(s);
        expect(e).not.toMatch(/[<>\n\r]/);
        expect(e.replace(/\\\|/g, '')).not.toContain('|');
      }),
    );
  });
});

describe('print layout', () => {
  it('gives Electron the same page and margins as the CSS, whose margin boxes number the pages', () => {
    const report = reconcileReport(sampleReconciliation(), { date: DATE, generator: 'tdx-cpuid 0.1.0' });
    const layout = reportPrintLayout(report, 'letter');
    expect(layout.footerText).toBe('tdx-cpuid 0.1.0 · Reconciliation · 2026-01-01');
    const opts = electronPrintToPdfOptions(layout);
    expect(opts).toMatchObject({ pageSize: 'Letter', displayHeaderFooter: false, preferCSSPageSize: true });
    expect(opts.margins.bottom).toBeCloseTo(16 / 25.4, 3);
    const html = renderHtml(report, { page: 'letter' });
    expect(html).toContain('@bottom-right { content: "Page " counter(page) " of " counter(pages);');
    expect(html).toContain('@bottom-left { content: "tdx-cpuid 0.1.0 \\b7  Reconciliation \\b7  2026-01-01";');
    // The fallback footer template for Chromium < 131 says the same.
    expect(layout.footerTemplate).toContain('class="pageNumber"');
    expect(layout.footerTemplate).toContain('class="totalPages"');
  });
});

describe('reason chains', () => {
  it('are printed once for all the bits they explain', () => {
    const rec = sampleReconciliation();
    const same = ['host 1', 'module 1.5.06: fixed0', 'TD 0'];
    const bits = rec.bits.map((b) => (b.name === 'hle' || b.name === 'pks' ? { ...b, reasons: same } : b));
    const findings = [{ ...rec.findings[0]!, bits: [bits[2]!, bits[4]!, bits[3]!] }];
    const report = reconcileReport({ ...rec, bits, findings }, { date: DATE });
    expect(chainGroups(report.sections[0]!.rows).map((g) => g.rows.map((r) => r.name))).toEqual([['hle', 'pks'], ['avx512f']]);
    const html = renderHtml(report);
    expect(html).toContain('<div class="chain"><b>7.0.EBX[4]</b> hle, <b>7.0.ECX[31]</b> pks<ol><li>host 1</li>');
    expect(renderMarkdown(report)).toContain('**7.0.EBX\\[4\\]** hle, **7.0.ECX\\[31\\]** pks\n\n1. host 1');
  });
});
