// The end-to-end suite, run against whichever harness (Chromium or Electron) is given.
// Tests run in order on one window, as one user's session: open the demo, add a dump,
// filter, inspect, change the context, compare, save and reopen, restart. Screenshots of
// every view in both themes go to test/output/screenshots/.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './build-renderer';
import type { WorkbenchHarness } from './harness';
import { dropFiles, MOD, openPalette, pasteText, renderedAddresses, rowCount, runPaletteCommand, setTheme, showView, waitForGridRows, waitForIdle } from './page';

const CORPUS = join(REPO_ROOT, 'test/fixtures/corpus');
/** A second host for the session: Emerald Rapids, Xeon Silver 4514Y (AIDA64 dump, 64 CPUs). */
const SECOND_HOST = join(CORPUS, 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt');
/** A `cpuid -r` dump taken inside a guest, pasted as text from a bug report. */
const GUEST_DUMP = join(CORPUS, 'etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-r.txt');
export const SCREENSHOTS = join(REPO_ROOT, 'test/output/screenshots');

async function searchGrid(page: Page, text: string): Promise<void> {
  await showView(page, 'grid');
  await page.fill('[data-filter="text"]', text);
}

async function classTagOf(page: Page, key: string): Promise<string> {
  return (await page.textContent(`[data-testid="grid"] [data-key="${key}"] .chip`))?.trim() ?? '';
}

async function chooseModule(page: Page, version: string): Promise<void> {
  await page.selectOption('[data-context="module"]', version);
  await waitForIdle(page);
}

/** Elements whose text does not fit (clipped or overflowing), and page-level horizontal overflow. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls horizontally: ${doc.scrollWidth} > ${doc.clientWidth}`);
    const selectors = ['.btn', '.tab', '.lbl', '.chip', 'label.check', '.header', '.context', '.toolbar', '.status', '.ihead', '.summary'];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selectors.join(',')))) {
      if (el.offsetParent === null) continue;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className.split(' ')[0]} "${(el.textContent ?? '').trim().slice(0, 40)}": ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
}

export function defineWorkbenchSuite(create: () => Promise<WorkbenchHarness>): void {
  let h: WorkbenchHarness;
  let page: Page;
  let savedWorkspace = '';

  async function screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOTS, `${h.variant === 'electron' ? 'electron-' : ''}${name}.png`) });
  }

  beforeAll(async () => {
    h = await create();
    await h.start({ width: 1280, height: 800 });
    page = h.page;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('opens the built-in demo bug report at the first start', async () => {
    await waitForGridRows(page);
    expect(await page.$$eval('.tabs [role="tab"]', (els) => els.map((e) => e.getAttribute('data-view')))).toEqual([
      'grid',
      'registerMap',
      'findings',
      'sources',
      'compare',
      'baseline',
    ]);
    const { shown, total } = await rowCount(page);
    expect(total).toBeGreaterThan(10_000);
    expect(shown).toBe(total);
    expect(await page.textContent('footer.status')).toContain('Intel(R) Xeon(R) Bronze 3408U');
    // The module version comes from the demo's dmesg.
    expect(await page.$eval('[data-context="module"] option', (o) => o.textContent)).toBe('1.5.06');
    expect(await page.textContent('[data-src="module"]')).toBe('dmesg');
    expect(await page.getAttribute('[data-testid="pipeline"]', 'data-td-created')).toBe('true');
    await showView(page, 'sources');
    const inputs = await page.$$eval('[data-input]', (els) => els.map((e) => e.getAttribute('data-input')));
    expect(inputs.sort()).toEqual(['demo/dmesg-tdx.txt', 'demo/host-cpuid-Xeon-Bronze-3408U.xml', 'demo/qemu-cmdline.txt', 'demo/qemu.log']);
    const host = '[data-input="demo/host-cpuid-Xeon-Bronze-3408U.xml"]';
    expect(await page.$eval(`${host} [data-override="format"]`, (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('libvirt-cpudata');
    expect(await page.$eval(`${host} [data-override="layer"]`, (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('H · Host CPU');
    expect(await page.textContent(host)).toMatch(/no hypervisor bit: native CPUID of 1 CPU/);
    expect(await page.textContent('[data-testid="missing-layers"]')).toMatch(/Guest view inside the TD/);
  });

  it('adds a corpus dump dropped on the window', async () => {
    await dropFiles(page, [SECOND_HOST]);
    const card = '[data-input="GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt"]';
    await page.waitForSelector(card);
    await waitForIdle(page);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('XEON(R) SILVER 4514Y'), card);
    const text = (await page.textContent(card)) ?? '';
    expect(await page.$eval(`${card} [data-override="format"]`, (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('aida64');
    expect(text).toMatch(/FMS 6\/0xcf\/2 \(C06F2\)/);
    expect(text).toMatch(/host dumps from different CPUs/);
    // The demo's host stays the platform analysed.
    expect(await page.textContent('footer.status')).toContain('Intel(R) Xeon(R) Bronze 3408U');
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(5);
  });

  it('says when a file cannot be used and keeps what is loaded', async () => {
    const junk = join(h.tmp, 'notes.txt');
    writeFileSync(junk, 'meeting notes, nothing to do with CPUID\nsecond line\n');
    await dropFiles(page, [junk]);
    await page.waitForSelector('[data-toast="warning"]');
    expect(await page.textContent('[data-toast="warning"]')).toMatch(/notes\.txt: not a format the workbench reads/);
    await waitForIdle(page);
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(6);
    expect(await page.textContent('footer.status')).toContain('Intel(R) Xeon(R) Bronze 3408U');
    await page.click('[data-input="notes.txt"] [data-action="remove-input"]');
    await waitForIdle(page);
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(5);
    await page.click('[data-toast="warning"] .x');
  });

  it('adds text pasted into the window as an input; a paste into a text field stays in the field', async () => {
    await showView(page, 'sources');
    const text = readFileSync(GUEST_DUMP, 'utf8');
    await pasteText(page, text);
    const card = '[data-input="pasted-1.txt"]';
    await page.waitForSelector(card);
    await waitForIdle(page);
    expect(await page.$eval(`${card} [data-override="format"]`, (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('cpuid-r');
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(6);
    // The same text again is the same input.
    await pasteText(page, text);
    await page.waitForSelector('[data-toast="info"]');
    expect(await page.textContent('[data-toast="info"]')).toMatch(/Already loaded/);
    await page.click('[data-toast="info"] .x');
    // Into the grid's search box: the field's paste, not a new input.
    await showView(page, 'grid');
    await pasteText(page, 'avx512f', '[data-filter="text"]');
    await showView(page, 'sources');
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(6);
    await page.click(`${card} [data-action="remove-input"]`);
    await waitForIdle(page);
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(5);
    expect(await page.textContent('footer.status')).toContain('Intel(R) Xeon(R) Bronze 3408U');
  });

  it('filters the grid to the bits with findings', async () => {
    await showView(page, 'grid');
    const expected = Number(await page.textContent('label:has([data-filter="findings"]) .n'));
    expect(expected).toBeGreaterThan(0);
    await page.check('[data-filter="findings"]');
    const { shown } = await rowCount(page);
    expect(shown).toBe(expected);
    const marks = await page.$$eval('[data-testid="grid"] .vrow.data', (rows) => rows.map((r) => r.querySelector('.c-find .sev') !== null));
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every(Boolean)).toBe(true);
    await page.uncheck('[data-filter="findings"]');
    expect((await rowCount(page)).shown).toBeGreaterThan(expected);
  });

  it('inspects a bit and reads its reason chain; copies it as text', async () => {
    await searchGrid(page, 'avx512f');
    expect(await renderedAddresses(page)).toEqual(['7.0.EBX[16]']);
    await page.click('[data-testid="grid"] [data-key="7:0:ebx:16"]');
    expect(await page.textContent('[data-testid="inspector-address"]')).toBe('7.0.EBX[16]');
    const reasons = await page.$$eval('[data-testid="reason-chain"] li', (els) => els.map((e) => e.textContent ?? ''));
    expect(reasons.length).toBeGreaterThan(2);
    expect(reasons.join(' ')).toMatch(/module 1\.5\.06: configurable and native/);
    expect(reasons.join(' ')).toMatch(/XFAM\[5,6,7\]/);
    await screenshot('inspector-light');
    await page.click('[data-action="copy-bit"]');
    await page.waitForSelector('[data-toast="info"]');
    const copied = await h.readClipboard();
    expect(copied).toMatch(/^CPUID 7\.0\.EBX\[16\] \(avx512f\)\n/);
    expect(copied).toMatch(/Class: CONFIG_AND_NATIVE/);
    expect(copied).toMatch(/Why:\n {2}1\. /);
    expect(copied).toMatch(/Context: module 1\.5\.06/);
  });

  it('searches addresses the way engineers write them', async () => {
    await searchGrid(page, '0x80000008');
    const addrs = await renderedAddresses(page);
    expect(addrs.length).toBeGreaterThan(0);
    expect(addrs.every((a) => a.startsWith('0x80000008.'))).toBe(true);
    await searchGrid(page, '7.0.ebx');
    const seven = await renderedAddresses(page);
    expect(seven.every((a) => a.startsWith('7.0.EBX['))).toBe(true);
    await searchGrid(page, '');
  });

  it('moves through the grid with the keyboard', async () => {
    await showView(page, 'grid');
    await page.click('[data-testid="grid"] .vrow.data >> nth=0');
    const first = await page.getAttribute('[data-testid="grid"] [aria-selected="true"]', 'data-key');
    await page.keyboard.press('ArrowDown');
    const second = await page.getAttribute('[data-testid="grid"] [aria-selected="true"]', 'data-key');
    expect(second).not.toBe(first);
    await page.keyboard.press('End');
    await page.waitForTimeout(100);
    const { shown } = await rowCount(page);
    const lastPos = await page.$eval('[data-testid="grid"] [aria-selected="true"]', (e) => Number(e.id.replace('grid-row-', '')));
    expect(lastPos).toBeGreaterThan(shown);
    await page.keyboard.press('PageUp');
    const afterPageUp = await page.$eval('[data-testid="grid"] [aria-selected="true"]', (e) => Number(e.id.replace('grid-row-', '')));
    expect(afterPageUp).toBeLessThan(lastPos - 10);
    await page.keyboard.press('Home');
    expect(await page.getAttribute('[data-testid="grid"] [aria-selected="true"]', 'data-key')).toBe(first);
    await page.keyboard.press('Enter');
    expect(await page.isVisible('[data-testid="inspector"]')).toBe(true);
  });

  it('changes the module version and the grid changes with it', async () => {
    await searchGrid(page, '6.eax[2]');
    const arat = '6:-:eax:2';
    await page.waitForSelector(`[data-testid="grid"] [data-key="${arat}"]`);
    // Before 1.5.09 leaf 6 raises #VE; from 1.5.09 on ARAT is fixed to 1 (tdx-cpuid-model.md 2.2).
    expect(await classTagOf(page, arat)).toBe('#VE');
    await chooseModule(page, '1.5.13');
    await page.waitForFunction((k) => document.querySelector(`[data-key="${k}"] .chip`)?.textContent?.trim() === 'F1', arat);
    expect(await page.textContent(`[data-testid="grid"] [data-key="${arat}"] .final`)).toMatch(/^1/);
    expect(await page.textContent('footer.status')).toContain('module 1.5.13');
    await searchGrid(page, '');
  });

  it('compares two hosts side by side', async () => {
    await showView(page, 'compare');
    await page.click('[data-compare-mode="hosts"]');
    await page.waitForSelector('[data-testid="compare-summary"]', { timeout: 60_000 });
    await waitForIdle(page);
    const summary = (await page.textContent('[data-testid="compare-summary"]')) ?? '';
    const m = /(\d+)\s+of\s+([\d,]+)\s+rows differ/.exec(summary);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(summary).toMatch(/Bronze 3408U[\s\S]*SILVER 4514Y/);
    // Family/model/stepping differ between the two CPUs: the stepping field is highlighted.
    await page.fill('.compare-view input[type="search"]', '1.eax[3:0]');
    await page.waitForSelector('[data-testid="compare"] .row .chg');
    const row = (await page.textContent('[data-testid="compare"] .row')) ?? '';
    expect(row).toMatch(/1\.EAX\[3:0\]\s*stepping/);
    await page.fill('.compare-view input[type="search"]', '');
    await screenshot('compare-light');
  });

  it('compares two module versions', async () => {
    await page.click('[data-compare-mode="modules"]');
    await page.selectOption('[data-compare="a"]', '1.5.06');
    await page.selectOption('[data-compare="b"]', '1.5.13');
    await page.waitForFunction(() => /module 1\.5\.06[\s\S]*module 1\.5\.13/.test(document.querySelector('[data-testid="compare-summary"]')?.textContent ?? ''));
    await waitForIdle(page);
    await page.fill('.compare-view input[type="search"]', '6.eax[2]');
    await page.waitForSelector('[data-testid="compare"] .row');
    expect(await page.$$eval('[data-testid="compare"] .row .chip', (c) => c.map((e) => e.textContent?.trim()))).toEqual(['#VE', 'F1']);
    await page.fill('.compare-view input[type="search"]', '');
  });

  it('compares two captures value by value', async () => {
    await page.click('[data-compare-mode="captures"]');
    await page.waitForFunction(() => /register bits differ/.test(document.querySelector('[data-testid="compare-summary"]')?.textContent ?? ''));
    await waitForIdle(page);
    const summary = (await page.textContent('[data-testid="compare-summary"]')) ?? '';
    expect(summary).toMatch(/host-cpuid-Xeon-Bronze-3408U\.xml[\s\S]*GenuineIntel00C06F2_EmeraldRapids_02_CPUID\.txt/);
    await page.fill('.compare-view input[type="search"]', 'stepping');
    await page.waitForSelector('[data-testid="compare"] .row');
    const cells = await page.$$eval('[data-testid="compare"] .row >> nth=0', (rows) =>
      Array.from(rows[0]!.children)
        .map((c) => c.textContent?.trim() ?? '')
        .filter(Boolean),
    );
    // Sapphire Rapids stepping 7 against Emerald Rapids stepping 2 (FMS 806F7 vs C06F2).
    expect(cells).toEqual(['1.EAX[3:0]', 'stepping', '7', '2']);
    await page.fill('.compare-view input[type="search"]', '');
  });

  it('shows a baseline over the loaded hosts with the -cpu that aligns them', async () => {
    await showView(page, 'baseline');
    await page.waitForSelector('[data-testid="baseline"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="baseline"]')).toMatch(/TD bits and fields differ between 2 hosts/);
    expect(await page.textContent('[data-testid="baseline-cpu"]')).toMatch(/^-cpu host,/);
  });

  it('shows the register map; a cell opens the bit in the inspector', async () => {
    await page.keyboard.press(`${MOD}+2`);
    await page.waitForSelector('[data-testid="register-map"] .strip');
    await page.selectOption('[data-map="jump"]', '7.0');
    await page.waitForSelector('[data-testid="register-map"] [data-strip="7.0.EBX"]');
    const cells = await page.$$('[data-strip="7.0.EBX"] .cell');
    expect(cells).toHaveLength(32);
    await page.click('[data-strip="7.0.EBX"] [data-bit="16"]');
    expect(await page.textContent('[data-testid="inspector-address"]')).toBe('7.0.EBX[16]');
    await page.click('[data-map-mode="disagreement"]');
    expect(await page.$$eval('[data-strip] .cell.dis', (c) => c.length)).toBeGreaterThan(0);
    await page.click('[data-map-mode="class"]');
  });

  it('runs commands from the palette and the keyboard', async () => {
    await openPalette(page);
    await page.fill('[data-testid="palette"] input', 'findings');
    await screenshot('palette-light');
    await page.keyboard.press('Escape');
    await runPaletteCommand(page, 'show findings', 'view.findings');
    expect(await page.getAttribute('main', 'data-view')).toBe('findings');
    await page.keyboard.press(`${MOD}+1`);
    expect(await page.getAttribute('main', 'data-view')).toBe('grid');
    await page.keyboard.press('Alt+D');
    expect(await page.isChecked('[data-filter="differences"]')).toBe(true);
    await page.keyboard.press('Alt+C');
    expect(await page.isChecked('[data-filter="differences"]')).toBe(false);
  });

  it('selecting a finding selects its bits', async () => {
    await showView(page, 'findings');
    await page.click('[data-finding="0"]');
    const key = await page.textContent('[data-testid="inspector-address"]');
    expect(key).toMatch(/\[\d+(:\d+)?\]$/);
    await page.click('[data-finding="0"] .btn');
    expect(await page.getAttribute('main', 'data-view')).toBe('grid');
    expect(await page.isVisible('[data-filter="finding"]')).toBe(true);
    await page.click('[data-filter="finding"] .x');
  });

  it('saves the workspace and opens it again', async () => {
    savedWorkspace = await h.captureSave(() => page.click('.header .actions >> text=Save'), 'tdxws');
    const saved = JSON.parse(readFileSync(savedWorkspace, 'utf8')) as { inputs: { path: string }[]; context: { module?: string } };
    expect(saved.inputs.map((i) => i.path)).toContain('GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt');
    expect(saved.context.module).toBe('1.5.13');
    await runPaletteCommand(page, 'close all', 'workspace.close');
    await page.waitForSelector('[data-testid="empty-state"]');
    await h.openWorkspace(() => runPaletteCommand(page, 'open workspace', 'workspace.open'), savedWorkspace);
    await showView(page, 'grid');
    await waitForGridRows(page);
    await showView(page, 'sources');
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(5);
    expect(await page.$eval('[data-context="module"]', (s) => (s as HTMLSelectElement).value)).toBe('1.5.13');
  });

  it('exports the report as Markdown', async () => {
    const path = await h.captureSave(() => runPaletteCommand(page, 'export markdown', 'report.exportMarkdown'), 'md');
    const md = readFileSync(path, 'utf8');
    expect(md).toMatch(/^# /);
    expect(md).toContain('Intel(R) Xeon(R) Bronze 3408U');
    expect(md).toContain('1.5.13');
  });

  it('restores the autosaved session at the next start', async () => {
    await page.waitForTimeout(1500); // autosave waits for a quiet moment
    await h.restart();
    page = h.page;
    await page.waitForSelector('.tabs [data-view="grid"]');
    await showView(page, 'grid');
    await waitForGridRows(page);
    await showView(page, 'sources');
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(5);
    expect(await page.$eval('[data-context="module"]', (s) => (s as HTMLSelectElement).value)).toBe('1.5.13');
  });

  it('runs long work in the background: the window responds, and it can be cancelled', async () => {
    const big = ['GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt', 'GenuineIntel0050654_SkylakeXeon_20_CPUID.txt', 'GenuineIntel00806F8_SapphireRapids_06_CPUID.txt', 'GenuineIntel00A06D1_GraniteRapids_03_CPUID.txt', 'GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt', 'GenuineIntel00606A6_ICX_CPUID2.txt'].map((f) =>
      join(CORPUS, 'aida64_instlatx64', f),
    );
    await showView(page, 'sources');
    // In the page, as soon as the analysis shows its Cancel button: check the window still
    // runs its own tasks (the parsing happens in the worker), then press Cancel.
    const watching = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const observer = new MutationObserver(() => {
            const button = document.querySelector<HTMLButtonElement>('[data-action="cancel"]');
            if (!button) return;
            observer.disconnect();
            const t0 = performance.now();
            setTimeout(() => {
              const lag = performance.now() - t0;
              button.click();
              resolve(lag);
            }, 0);
          });
          observer.observe(document.body, { childList: true, subtree: true });
        }),
    );
    await dropFiles(page, big);
    const lagMs = await watching;
    expect(lagMs).toBeLessThan(250);
    await page.waitForSelector('[data-testid="stale"]');
    expect(await page.textContent('[data-toast="info"]')).toMatch(/Analysis cancelled/);
    await showView(page, 'findings');
    // What was shown stays: the demo host is still the platform of the result.
    expect(await page.textContent('footer.status')).toContain('Intel(R) Xeon(R) Bronze 3408U');
    await showView(page, 'sources');
    for (const f of big) await page.click(`[data-input="${f.split('/').pop()}"] [data-action="remove-input"]`);
    await waitForIdle(page);
    await page.waitForSelector('[data-testid="stale"]', { state: 'detached' });
    expect(await page.$$eval('[data-input]', (els) => els.length)).toBe(5);
  });

  it('takes screenshots of every view in light and dark', async () => {
    for (const x of await page.$$('.toast .x')) await x.click();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await showView(page, 'grid');
      await page.click('[data-testid="grid"] .vrow.data >> nth=3');
      await screenshot(`grid-${theme}`);
      expect(await layoutProblems(page), `grid ${theme}`).toEqual([]);
      await searchGrid(page, 'avx512');
      await page.click('[data-testid="grid"] .vrow.data >> nth=0');
      await screenshot(`inspector-${theme}`);
      await searchGrid(page, '');
      for (const view of ['registerMap', 'findings', 'sources', 'compare', 'baseline']) {
        await showView(page, view);
        await waitForIdle(page);
        await screenshot(`${view}-${theme}`);
        expect(await layoutProblems(page), `${view} ${theme}`).toEqual([]);
        if (view === 'registerMap') {
          await page.click('[data-map-mode="disagreement"]');
          await screenshot(`registerMap-disagreement-${theme}`);
          await page.click('[data-map-mode="class"]');
        }
      }
      await openPalette(page);
      await screenshot(`palette-${theme}`);
      await page.keyboard.press('Escape');
      await runPaletteCommand(page, 'keyboard shortcuts', 'help.shortcuts');
      await screenshot(`shortcuts-${theme}`);
      await page.keyboard.press('Escape');
    }
  });

  it('fits a 1920×1080 screen', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await setTheme(page, 'light');
    await showView(page, 'grid');
    await screenshot('grid-1920-light');
    expect(await layoutProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('logged no errors and no Content-Security-Policy violations', () => {
    expect(h.problems).toEqual([]);
  });
}
