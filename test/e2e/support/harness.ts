// One interface over the two ways the e2e suite drives the workbench: the built renderer
// in Chromium with the browser bridge, and the packaged app in Electron with its preload.
// Only what differs between them lives here (starting, file dialogs); the suite itself
// talks to the page.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, ElectronApplication, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { RENDERER_DIST } from './build-renderer';
import { serveDirectory } from './static-server';
import type { StaticServer } from './static-server';

export type Variant = 'browser' | 'electron';

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export interface WorkbenchHarness {
  readonly variant: Variant;
  readonly page: Page;
  /** Console errors and CSP violations seen so far. */
  readonly problems: string[];
  readonly tmp: string;
  /** A fresh start: no autosaved session (the demo opens). */
  start(viewport?: Viewport): Promise<void>;
  /** Reloads the window, keeping the autosaved session. */
  restart(): Promise<void>;
  /** Runs something that saves a file (workspace, report) and returns the file written. */
  captureSave(trigger: () => Promise<void>, extension: string): Promise<string>;
  /** The system clipboard's text. */
  readClipboard(): Promise<string>;
  /** Runs "Open Workspace…" and answers its dialog with `path`. */
  openWorkspace(trigger: () => Promise<void>, path: string): Promise<void>;
  close(): Promise<void>;
}

function watchProblems(page: Page, problems: string[]): void {
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
}

export async function browserHarness(): Promise<WorkbenchHarness> {
  const server: StaticServer = await serveDirectory(RENDERER_DIST);
  const browser: Browser = await launchChromium();
  const tmp = mkdtempSync(join(tmpdir(), 'tdx-e2e-'));
  const problems: string[] = [];
  let context: BrowserContext | null = null;
  let page: Page | null = null;

  const harness: WorkbenchHarness = {
    variant: 'browser',
    get page(): Page {
      if (!page) throw new Error('start() first');
      return page;
    },
    problems,
    tmp,
    async start(viewport = { width: 1280, height: 800 }) {
      await context?.close();
      context = await browser.newContext({ viewport, acceptDownloads: true, colorScheme: 'light' });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      page = await context.newPage();
      watchProblems(page, problems);
      await page.goto(`${server.url}/index.html`);
    },
    async restart() {
      await harness.page.reload();
    },
    async captureSave(trigger) {
      const [download] = await Promise.all([harness.page.waitForEvent('download'), trigger()]);
      const path = join(tmp, download.suggestedFilename());
      await download.saveAs(path);
      return path;
    },
    readClipboard() {
      return harness.page.evaluate(() => navigator.clipboard.readText());
    },
    async openWorkspace(trigger, path) {
      const [chooser] = await Promise.all([harness.page.waitForEvent('filechooser'), trigger()]);
      await chooser.setFiles(path);
    },
    async close() {
      await context?.close();
      await browser.close();
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Where an Electron binary would be, if the package's postinstall downloaded one. */
export function electronBinary(root: string): string | null {
  try {
    const rel = readFileSync(join(root, 'node_modules/electron/path.txt'), 'utf8').trim();
    const bin = join(root, 'node_modules/electron/dist', rel);
    readFileSync(bin, { flag: 'r' }).subarray(0, 0);
    return bin;
  } catch {
    return null;
  }
}

export async function electronHarness(root: string, binary: string): Promise<WorkbenchHarness> {
  const { _electron } = await import('playwright-core');
  const tmp = mkdtempSync(join(tmpdir(), 'tdx-e2e-electron-'));
  const problems: string[] = [];
  let app: ElectronApplication | null = null;
  let page: Page | null = null;
  let userData = join(tmp, 'user-data-0');
  let starts = 0;

  const launch = async (viewport?: Viewport): Promise<void> => {
    app = await _electron.launch({
      executablePath: binary,
      args: [join(root, 'out/main/index.js'), `--user-data-dir=${userData}`, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, TDX_WORKBENCH_E2E: '1' },
    });
    page = await app.firstWindow();
    watchProblems(page, problems);
    if (viewport) await app.evaluate(({ BrowserWindow }, v) => BrowserWindow.getAllWindows()[0]?.setContentSize(v.width, v.height), viewport);
  };

  const harness: WorkbenchHarness = {
    variant: 'electron',
    get page(): Page {
      if (!page) throw new Error('start() first');
      return page;
    },
    problems,
    tmp,
    async start(viewport = { width: 1280, height: 800 }) {
      await app?.close();
      userData = join(tmp, `user-data-${starts++}`);
      await launch(viewport);
    },
    async restart() {
      await app?.close();
      await launch();
    },
    async captureSave(trigger, extension) {
      const path = join(tmp, `saved-${Date.now()}.${extension}`);
      await app!.evaluate(({ dialog }, p) => {
        dialog.showSaveDialog = (async () => ({ canceled: false, filePath: p })) as typeof dialog.showSaveDialog;
      }, path);
      await trigger();
      for (let i = 0; i < 600 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
      return path;
    },
    readClipboard() {
      // The shell denies web permission requests; read the clipboard from the main process.
      return app!.evaluate(({ clipboard }) => clipboard.readText());
    },
    async openWorkspace(trigger, path) {
      await app!.evaluate(({ dialog }, p) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [p] })) as typeof dialog.showOpenDialog;
      }, path);
      await trigger();
      await harness.page.waitForFunction((name) => document.querySelector('[data-toast]')?.textContent?.includes(name) ?? false, basename(path));
    },
    async close() {
      await app?.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return harness;
}
