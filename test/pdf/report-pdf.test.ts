// PDF reports for real corpus hosts through the real CLI and engine, read back with poppler:
// page size and count, inputs and their hashes, every finding, page numbers; page images are
// written to test/output/pdf/ for a person to look at. Also: the print HTML runs and loads
// nothing, hostile strings stay text, and the same inputs and date give the same bytes.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditPrintHtml } from '../../shared/report/html-audit';
import { outDir, runCli, sha256 } from './support/cli';
import { containsWrapped, pdfInfo, pdfPages, pdfText, renderPages, squeeze } from './support/poppler';

const SPR = 'test/fixtures/corpus/aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
const EMR = 'test/fixtures/corpus/aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt';
const GOLD = 'test/fixtures/corpus/libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml';
const DATE = '2026-01-01';
const MB = 1024 * 1024;
const TIMEOUT = 240_000;

interface ReportJson {
  readonly schema: string;
  readonly inputs: readonly { readonly path: string; readonly sha256: string; readonly detail: string | null }[];
  readonly sections: readonly { readonly rule: string | null; readonly severity: string | null; readonly heading: string; readonly message: string }[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly infos: number; readonly differences: number };
  readonly differences: { readonly rows: readonly unknown[] };
  readonly appendix: { readonly rows: readonly { readonly name: string | null }[] } | null;
}

function ok(r: ReturnType<typeof runCli>): void {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
}

/** Every page says "Page n of N" (the @page margin boxes). */
function expectPageNumbers(pdf: string): number {
  const pages = pdfPages(pdf);
  pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pages.length}`));
  return pages.length;
}

/** The finding sections as a reader finds them: heading and message on the pages. */
function expectSections(text: string, json: ReportJson): void {
  const flat = squeeze(text);
  for (const s of json.sections) {
    expect(flat, s.heading).toContain(squeeze(s.heading));
    expect(flat, s.message).toContain(squeeze(s.message));
  }
}

describe('report PDF of a Sapphire Rapids host (AIDA64, 40 CPUs), A4', () => {
  const dir = outDir('spr');
  const pdf = join(dir, 'report.pdf');
  const html = join(dir, 'report.html');
  let json: ReportJson;
  let cliMs = 0;

  beforeAll(() => {
    const r = runCli(['report', SPR, '--date', DATE, '--pdf', pdf, '--html', html, '--json']);
    ok(r);
    cliMs = r.ms;
    json = JSON.parse(r.stdout) as ReportJson;
  }, TIMEOUT);

  it('is A4 with a sane number of pages, each numbered, dated with the report date', () => {
    const info = pdfInfo(pdf);
    expect([info.width, info.height]).toEqual([595, 842]);
    expect(info.pages).toBeGreaterThanOrEqual(3);
    expect(info.pages).toBeLessThanOrEqual(40);
    expect(expectPageNumbers(pdf)).toBe(info.pages);
    expect(info.creationDate).toMatch(/^2026-01-01T00:00:00/);
    expect(statSync(pdf).size).toBeLessThan(5 * MB);
    console.log(`SPR report: ${info.pages} pages, ${statSync(pdf).size} bytes PDF, CLI ${Math.round(cliMs)} ms`);
  });

  it('lists the input with its SHA-256, the CPU and every finding', () => {
    const text = pdfText(pdf);
    const flat = squeeze(text);
    expect(json.inputs).toHaveLength(1);
    expect(flat).toContain(squeeze(SPR));
    expect(text).toContain(sha256(SPR));
    expect(json.inputs[0]!.sha256).toBe(sha256(SPR));
    expect(json.inputs[0]!.detail).toContain('40 CPUs');
    expect(flat).toContain(squeeze(json.inputs[0]!.detail!));
    expectSections(text, json);
    for (const part of ['Inputs', 'Context', 'Assumptions', 'Summary', 'Findings', 'Register map']) expect(text).toContain(part);
    if (json.differences.rows.length) expect(text).toContain('Bits whose layers disagree');
  });

  it('prints HTML with no script and nothing external', () => {
    const doc = readFileSync(html, 'utf8');
    expect(auditPrintHtml(doc)).toEqual([]);
    expect(doc).not.toMatch(/<script|\son[a-z]+=|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  });

  it('renders page images for a person to look at', () => {
    const info = pdfInfo(pdf);
    renderPages(pdf, join(dir, 'page'), 1, info.pages, 50);
    for (let p = 1; p <= info.pages; p++) {
      const png = join(dir, `page-${String(p).padStart(String(info.pages).length, '0')}.png`);
      expect(existsSync(png), png).toBe(true);
      expect(statSync(png).size).toBeGreaterThan(5_000);
    }
  });

  it('prints the same PDF bytes again for the same inputs and date', () => {
    const again = join(dir, 'again.pdf');
    ok(runCli(['report', SPR, '--date', DATE, '--pdf', again]));
    expect(readFileSync(again).equals(readFileSync(pdf))).toBe(true);
  }, TIMEOUT);
});

describe('report of the 112-CPU Emerald Rapids host, Letter', () => {
  const dir = outDir('emr');
  const pdf = join(dir, 'report.pdf');
  const html = join(dir, 'report.html');
  const md = join(dir, 'report.md');

  it('fits Letter pages, names the 112 CPUs and stays under 5 MB in every format', () => {
    const r = runCli(['report', EMR, '--date', DATE, '--page', 'letter', '--pdf', pdf, '--html', html, '--json']);
    ok(r);
    const json = JSON.parse(r.stdout) as ReportJson;
    writeFileSync(md, runCli(['report', EMR, '--date', DATE, '--md']).stdout);
    const info = pdfInfo(pdf);
    expect([info.width, info.height]).toEqual([612, 792]);
    expect(expectPageNumbers(pdf)).toBe(info.pages);
    const text = pdfText(pdf);
    expect(json.inputs[0]!.detail).toContain('112 CPUs');
    expect(text).toContain('112 CPUs');
    expect(text).toContain(sha256(EMR));
    expectSections(text, json);
    for (const f of [pdf, html, md]) expect(statSync(f).size, f).toBeLessThan(5 * MB);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(5 * MB);
    renderPages(pdf, join(dir, 'page'), 1, Math.min(info.pages, 4), 50);
    console.log(`EMR report: ${info.pages} Letter pages, PDF ${statSync(pdf).size} B, HTML ${statSync(html).size} B, JSON ${Buffer.byteLength(r.stdout)} B, CLI ${Math.round(r.ms)} ms`);
  }, TIMEOUT);
});

describe('report of the libvirt Xeon Gold 6530 data with the appendix', () => {
  const dir = outDir('gold');
  const pdf = join(dir, 'report.pdf');

  it('adds the bit table as an appendix with its named bits', () => {
    const r = runCli(['report', GOLD, '--date', DATE, '--appendix', '--pdf', pdf, '--json']);
    ok(r);
    const json = JSON.parse(r.stdout) as ReportJson;
    expect(json.appendix).not.toBeNull();
    const text = pdfText(pdf);
    expect(text).toContain('Appendix: the bit table');
    expect(text).toContain(sha256(GOLD));
    expectSections(text, json);
    // Every named bit of the appendix is on the pages (a long name may wrap in its cell).
    const names = [...new Set(json.appendix!.rows.map((x) => x.name).filter((n): n is string => n !== null))];
    expect(names.length).toBeGreaterThan(100);
    const flat = squeeze(text);
    const missing = names.filter((n) => !containsWrapped(flat, n));
    expect(missing).toEqual([]);
    const info = pdfInfo(pdf);
    expect(info.pages).toBeLessThanOrEqual(120);
    renderPages(pdf, join(dir, 'page'), info.pages - 1, info.pages, 50);
    console.log(`Gold 6530 report with appendix: ${info.pages} pages, ${statSync(pdf).size} B`);
  }, TIMEOUT);
});

describe('determinism', () => {
  it('gives byte-identical JSON, Markdown and HTML for the same inputs and date', () => {
    const dir = outDir('determinism');
    const runs = [1, 2].map((n) => {
      const html = join(dir, `run${n}.html`);
      const json = runCli(['report', SPR, GOLD, '--date', DATE, '--appendix', '--html', html, '--json']);
      const md = runCli(['report', SPR, GOLD, '--date', DATE, '--appendix', '--md']);
      ok(json);
      ok(md);
      return { json: json.stdout, md: md.stdout, html: readFileSync(html, 'utf8') };
    });
    expect(runs[0]!.json.length).toBeGreaterThan(1000);
    expect(runs[1]!.json).toBe(runs[0]!.json);
    expect(runs[1]!.md).toBe(runs[0]!.md);
    expect(runs[1]!.html).toBe(runs[0]!.html);
  }, TIMEOUT);
});

describe('hostile strings in inputs', () => {
  const dir = outDir('hostile');
  // A real host (Sapphire Rapids) whose brand string registers spell markup, in a file whose
  // name is markup too.
  const brand = '</style><script>alert(1)</script>]]><b>x</b>'.padEnd(48, ' ');
  const file = join(dir, `evil <script>alert(2)<!--'"&.txt`);

  beforeAll(() => {
    const dump = runCli(['convert', SPR, '--to', 'cpuid-r']);
    ok(dump);
    const words: string[] = [];
    for (let i = 0; i < 48; i += 4) {
      const v = brand.charCodeAt(i) | (brand.charCodeAt(i + 1) << 8) | (brand.charCodeAt(i + 2) << 16) | (brand.charCodeAt(i + 3) << 24);
      words.push(`0x${(v >>> 0).toString(16).padStart(8, '0')}`);
    }
    const text = dump.stdout.replace(/^(\s*0x8000000([234]) 0x00: )eax=\S+ ebx=\S+ ecx=\S+ edx=\S+$/gm, (_m, head: string, leaf: string) => {
      const k = (Number(leaf) - 2) * 4;
      return `${head}eax=${words[k]} ebx=${words[k + 1]} ecx=${words[k + 2]} edx=${words[k + 3]}`;
    });
    expect(text).not.toBe(dump.stdout);
    writeFileSync(file, text);
  }, TIMEOUT);

  it('appear as text in the HTML, the Markdown and the PDF', () => {
    const html = join(dir, 'report.html');
    const pdf = join(dir, 'report.pdf');
    const title = 'Bug 1 </title></style><script>alert(3)</script>';
    const r = runCli(['report', file, '--date', DATE, '--title', title, '--html', html, '--pdf', pdf, '--md']);
    ok(r);
    const doc = readFileSync(html, 'utf8');
    expect(auditPrintHtml(doc)).toEqual([]);
    expect(doc).not.toMatch(/<script|<b>x|<!--'/i);
    expect(doc.match(/<\/style>/g)).toHaveLength(1);
    // The document's title and the register map pictures' <title>s, each closed once.
    expect(doc.match(/<\/title>/g)!.length).toBe(doc.match(/<title>/g)!.length);
    expect(doc).toContain('<title>Bug 1 &lt;/title&gt;&lt;/style&gt;&lt;script&gt;alert(3)&lt;/script&gt;</title>');
    expect(doc).toContain('&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;]]&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(doc).toContain('evil &lt;script&gt;alert(2)&lt;!--&#39;&quot;&amp;.txt');
    // Markdown: no tag survives (issue trackers render raw HTML).
    expect(r.stdout).not.toMatch(/<script|<\/style|<b>|<!--/i);
    expect(r.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // PDF: the reader sees the strings literally.
    const text = pdfText(pdf);
    expect(text).toContain('</style><script>alert(1)</script>]]><b>x</b>');
    expect(text).toContain(`evil <script>alert(2)<!--'"&.txt`);
    expect(text).toContain('Bug 1 </title></style><script>alert(3)</script>');
  }, TIMEOUT);
});

describe('comparison report: two module versions', () => {
  it('prints module-diff 1.5.06 -> 1.5.09 with every kind of change', () => {
    const dir = outDir('module-diff');
    const pdf = join(dir, 'report.pdf');
    const r = runCli(['module-diff', '1.5.06', '1.5.09', '--date', DATE, '--pdf', pdf, '--md']);
    ok(r);
    const text = pdfText(pdf);
    const flat = squeeze(text);
    const headings = [...r.stdout.matchAll(/^### \d+\. (.+)$/gm)].map((m) => m[1]!.replace(/\\_/g, '_'));
    expect(headings.length).toBeGreaterThanOrEqual(5);
    for (const h of headings) expect(flat, h).toContain(squeeze(h));
    expect(text).toContain('NATIVE_VERIFIED_1 → CONFIG_AND_NATIVE (4 bits)');
    expect(text).toContain('Every class change');
    const info = pdfInfo(pdf);
    expect([info.width, info.height]).toEqual([595, 842]);
    expect(expectPageNumbers(pdf)).toBe(info.pages);
    renderPages(pdf, join(dir, 'page'), 1, Math.min(3, info.pages), 50);
  }, TIMEOUT);
});

describe('no browser to print with', () => {
  it('exits 2 naming what to set when CHROMIUM_PATH points nowhere', () => {
    const pdf = join(outDir('none'), 'x.pdf');
    const r = runCli(['report', SPR, '--pdf', pdf], { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium: no such file');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(existsSync(pdf)).toBe(false);
  });
});
