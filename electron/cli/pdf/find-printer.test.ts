import { describe, expect, it } from 'vitest';
import { CliError } from '../errors';
import { findPrinter, NO_PRINTER_MESSAGE } from './find-printer';
import type { FindEnv } from './find-printer';
import { pdfDate, setPdfDates } from './pdf-dates';
import { printPdf } from './print-pdf';
import { ELECTRON_PRINT_SCRIPT } from './print-electron';
import { printLayout } from '../../../shared/report/print-layout';

function env(files: readonly string[], over: Partial<FindEnv> = {}): FindEnv {
  const set = new Set(files);
  return { env: {}, platform: 'linux', isFile: (p) => set.has(p), electronBinary: () => null, ...over };
}

describe('findPrinter', () => {
  it('takes CHROMIUM_PATH first, and refuses one that names no file', () => {
    const f = env(['/opt/chrome', '/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/opt/chrome' } });
    expect(findPrinter(f)).toEqual({ kind: 'chromium', path: '/opt/chrome', from: 'CHROMIUM_PATH' });
    expect(() => findPrinter(env(['/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/missing' } }))).toThrow('CHROMIUM_PATH=/missing: no such file');
  });

  it('then the standard locations of the platform, in order', () => {
    expect(findPrinter(env(['/usr/bin/google-chrome', '/usr/bin/chromium-browser']))!.path).toBe('/usr/bin/chromium-browser');
    expect(findPrinter(env(['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'], { platform: 'darwin' }))!.path).toBe(
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    );
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findPrinter(env([edge], { platform: 'win32', env: { 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' } }))!.path).toBe(edge);
    // A Linux path means nothing on Windows.
    expect(findPrinter(env(['/usr/bin/chromium'], { platform: 'win32' }))).toBeNull();
  });

  it('then the browser names on PATH, then Electron', () => {
    expect(findPrinter(env(['/home/u/bin/google-chrome-stable'], { env: { PATH: '/usr/local/bin:/home/u/bin' } }))).toEqual({
      kind: 'chromium',
      path: '/home/u/bin/google-chrome-stable',
      from: 'PATH',
    });
    expect(findPrinter(env([], { electronBinary: () => '/repo/node_modules/electron/dist/electron' }))).toEqual({
      kind: 'electron',
      path: '/repo/node_modules/electron/dist/electron',
      from: 'electron package',
    });
    expect(findPrinter(env([]))).toBeNull();
  });
});

describe('printPdf without a printer', () => {
  it('fails with a message naming what to install', async () => {
    const err = await printPdf('<p>x</p>', printLayout('a4', 'x'), '2026-01-01', env([])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toBe(NO_PRINTER_MESSAGE);
    expect(NO_PRINTER_MESSAGE).toContain('apt install chromium');
    expect(NO_PRINTER_MESSAGE).toContain('CHROMIUM_PATH');
  });
});

describe('setPdfDates', () => {
  it("replaces Chromium's print time with the report date, keeping every byte offset", () => {
    const head = "%PDF-1.4\n1 0 obj\n<</Creator (Chromium)\n/CreationDate (D:20261127123842+00'00')\n/ModDate (D:20261127123842+00'00')>>\nendobj\n";
    const pdf = new TextEncoder().encode(head);
    const out = new TextDecoder('latin1').decode(setPdfDates(pdf, '2026-01-01'));
    expect(out.length).toBe(head.length);
    expect(out).toContain(`/CreationDate (${pdfDate('2026-01-01')})`);
    expect(out).toContain("/ModDate (D:20260101000000+00'00')");
    // A date of another shape is left alone rather than shifting offsets.
    const odd = new TextEncoder().encode('/CreationDate (D:2026)');
    expect(setPdfDates(odd, '2026-01-01')).toBe(odd);
  });
});

describe('the Electron print script', () => {
  it('is valid JavaScript that prints from a hidden, sandboxed window without JavaScript', () => {
    expect(() => new Function('require', 'process', ELECTRON_PRINT_SCRIPT)).not.toThrow();
    expect(ELECTRON_PRINT_SCRIPT).toContain('show: false');
    expect(ELECTRON_PRINT_SCRIPT).toMatch(/sandbox: true, javascript: false/);
    // Every request but the report file itself is cancelled.
    expect(ELECTRON_PRINT_SCRIPT).toContain('callback({ cancel: details.url !== job.htmlUrl })');
  });
});
