// The end-to-end suite, run against whichever harness (Chromium or Electron) is given.
// Tests run in order on one window, as a user's session would.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkbenchHarness } from './harness';
import { openPalette } from './page';

export function defineWorkbenchSuite(create: () => Promise<WorkbenchHarness>): void {
  let h: WorkbenchHarness;

  beforeAll(async () => {
    h = await create();
    await h.start();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows the workbench: views, context bar, status bar', async () => {
    const page = h.page;
    await page.waitForSelector('.tabs [data-view="grid"]');
    const tabs = await page.$$eval('.tabs [role="tab"]', (els) => els.map((e) => e.getAttribute('data-view')));
    expect(tabs).toEqual(['grid', 'registerMap', 'findings', 'sources', 'compare', 'baseline']);
    expect(await page.isVisible('[data-context="module"]')).toBe(true);
  });

  it('opens the command palette with Ctrl/Cmd+Shift+P and lists the registry', async () => {
    const page = h.page;
    await openPalette(page);
    const ids = await page.$$eval('[data-testid="palette"] li[data-command]', (els) => els.map((e) => e.getAttribute('data-command')));
    expect(ids).toContain('view.registerMap');
    expect(ids).toContain('workspace.save');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="palette"]', { state: 'detached' });
  });

  it('logs no errors and no Content-Security-Policy violations', () => {
    expect(h.problems).toEqual([]);
  });
}
