// Prints the report HTML with a system Chromium (or Chrome/Edge) through playwright-core:
// headless, no network, JavaScript off for the page.
// playwright-core is loaded only when a PDF is asked for, and is not bundled into the CLI
// (a non-literal require), so other commands start without it.

import { createRequire } from 'node:module';
import type * as PlaywrightModule from 'playwright-core';
import { MARGIN_BOXES_SINCE_CHROMIUM } from '../../../shared/report/print-layout';
import type { PrintLayout } from '../../../shared/report/print-layout';

/** Flags that keep a headless print quiet and offline (no updates, sync or first-run UI). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
] as const;

/**
 * On Linux the browser, renderer and GPU code run in one process: the start takes about half
 * as long (one process to boot instead of three; measured 1.0-1.4 s vs 2.5-3 s on a loaded
 * 2-core machine) and the PDF bytes are the same. Safe here because the page is our own
 * escaped HTML with JavaScript off, offline, under a CSP. Other platforms keep the default.
 */
const SINGLE_PROCESS_FLAGS: readonly string[] = process.platform === 'linux' ? ['--single-process', '--no-zygote'] : [];

type Playwright = typeof PlaywrightModule;

// Loaded with require, not import(): the CLI bundle runs as a node:vm script (for its code
// cache, see build/build-cli.mjs), where Node 20 has no import() without an experimental flag.
async function loadPlaywright(): Promise<Playwright> {
  const name = 'playwright-core';
  try {
    return createRequire(import.meta.url)(name) as Playwright;
  } catch (e) {
    throw new Error(`cannot load ${name} to drive Chromium (${e instanceof Error ? e.message : String(e)}); reinstall the workbench's dependencies`, {
      cause: e,
    });
  }
}

type Browser = PlaywrightModule.Browser;
type Page = PlaywrightModule.Page;

/**
 * A Chromium started as soon as a PDF is known to be wanted, so its start (the slow part:
 * browser process, then renderer process) overlaps reading the inputs and reconciling.
 */
export class ChromiumPrinter {
  private readonly ready: Promise<{ browser: Browser; page: Page }>;

  constructor(executablePath: string) {
    this.ready = ChromiumPrinter.start(executablePath);
    // Failures are reported by print(); an unused failed start must not crash the process.
    this.ready.catch(() => undefined);
  }

  private static async start(executablePath: string): Promise<{ browser: Browser; page: Page }> {
    const { chromium } = await loadPlaywright();
    const open = async (extra: readonly string[]): Promise<{ browser: Browser; page: Page }> => {
      const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS, ...extra], timeout: 60_000 });
      try {
        // No script runs in the report: JavaScript is off, the context is offline, and the
        // document's own CSP forbids everything but inline style and data: images.
        const context = await browser.newContext({ javaScriptEnabled: false, offline: true, acceptDownloads: false, serviceWorkers: 'block' });
        return { browser, page: await context.newPage() };
      } catch (e) {
        await browser.close();
        throw e;
      }
    };
    if (SINGLE_PROCESS_FLAGS.length === 0) return open([]);
    try {
      return await open(SINGLE_PROCESS_FLAGS);
    } catch {
      // A build that refuses to run in one process: the ordinary multi-process start.
      return open([]);
    }
  }

  /** Prints `html` to PDF bytes. */
  async print(html: string, layout: PrintLayout): Promise<Uint8Array> {
    const { browser, page } = await this.ready;
    await page.setContent(html, { waitUntil: 'load', timeout: 60_000 });
    const m = layout.marginMm;
    // The HTML numbers its pages with @page margin boxes; an older Chromium ignores them and
    // gets the equivalent footer template instead.
    const major = Number.parseInt(browser.version(), 10);
    const oldChromium = Number.isFinite(major) && major < MARGIN_BOXES_SINCE_CHROMIUM;
    const pdf = await page.pdf({
      format: layout.pageName,
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: oldChromium,
      ...(oldChromium ? { headerTemplate: layout.headerTemplate, footerTemplate: layout.footerTemplate } : {}),
      margin: { top: `${m.top}mm`, right: `${m.right}mm`, bottom: `${m.bottom}mm`, left: `${m.left}mm` },
      outline: true,
    });
    return new Uint8Array(pdf);
  }

  async close(): Promise<void> {
    const started = await this.ready.catch(() => null);
    if (started) await started.browser.close();
  }
}

/** Prints `html` to PDF bytes with the Chromium at `executablePath` (start, print, close). */
export async function printWithChromium(html: string, layout: PrintLayout, executablePath: string): Promise<Uint8Array> {
  const printer = new ChromiumPrinter(executablePath);
  try {
    return await printer.print(html, layout);
  } finally {
    await printer.close();
  }
}
