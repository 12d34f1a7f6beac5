// What the suite does on the page, in the user's terms: wait for the analysis, drop a
// file, run a palette command, read the grid.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from 'playwright-core';

export const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Waits until no analysis runs and the grid (or another view) shows its result. */
export async function waitForIdle(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), undefined, { timeout, polling: 50 });
}

export async function waitForGridRows(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('[data-testid="grid"] .vrow.data', { timeout });
  await waitForIdle(page, timeout);
}

/** Drops files on the window the way a file manager does: a drop event with a DataTransfer. */
export async function dropFiles(page: Page, paths: readonly string[]): Promise<void> {
  const files = paths.map((p) => ({ name: basename(p), b64: readFileSync(p).toString('base64') }));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name));
    }
    const target = document.querySelector('.app')!;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, files);
}

/**
 * Pastes text as Ctrl/Cmd+V would, with the focus on `selector` (default: the page body): the
 * paste event with the text on its clipboardData (no clipboard permission needed).
 */
export async function pasteText(page: Page, text: string, selector?: string): Promise<void> {
  await page.evaluate(
    ({ t, sel }) => {
      const target = sel ? document.querySelector<HTMLElement>(sel)! : document.body;
      target.focus();
      const dt = new DataTransfer();
      dt.setData('text/plain', t);
      target.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
    },
    { t: text, sel: selector },
  );
}

export async function openPalette(page: Page): Promise<void> {
  await page.keyboard.press(`${MOD}+Shift+P`);
  await page.waitForSelector('[data-testid="palette"]');
}

/** Runs a command through the command palette, as a user would. */
export async function runPaletteCommand(page: Page, query: string, commandId: string): Promise<void> {
  await openPalette(page);
  await page.fill('[data-testid="palette"] input', query);
  await page.waitForSelector(`[data-testid="palette"] li[data-command="${commandId}"]`);
  const first = await page.getAttribute('[data-testid="palette"] li[aria-selected="true"]', 'data-command');
  if (first !== commandId) await page.click(`[data-testid="palette"] li[data-command="${commandId}"]`);
  else await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="palette"]', { state: 'detached' });
}

export async function showView(page: Page, view: string): Promise<void> {
  await page.click(`.tabs [data-view="${view}"]`);
  await page.waitForSelector(`main[data-view="${view}"]`);
}

export async function rowCount(page: Page): Promise<{ shown: number; total: number }> {
  const text = (await page.textContent('[data-count="rows"]')) ?? '';
  const m = /([\d,]+)\s+of\s+([\d,]+)/.exec(text);
  if (!m) throw new Error(`no row count in "${text}"`);
  return { shown: Number(m[1]!.replace(/,/g, '')), total: Number(m[2]!.replace(/,/g, '')) };
}

/** Addresses of the grid rows currently rendered (the virtual window). */
export async function renderedAddresses(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="grid"] .vrow.data .c-addr', (els) => els.map((e) => e.textContent?.trim() ?? ''));
}

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await runPaletteCommand(page, `theme ${theme}`, `view.theme.${theme}`);
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}
