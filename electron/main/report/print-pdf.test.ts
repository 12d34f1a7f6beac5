import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (request: Request) => Response | Promise<Response>;
type BeforeRequest = (details: { url: string }, cb: (r: { cancel: boolean }) => void) => void;

const h = vi.hoisted(() => {
  const state = {
    protocolHandler: null as Handler | null,
    beforeRequest: null as BeforeRequest | null,
    partitions: [] as string[],
    windows: [] as { options: unknown; destroyed: boolean; loaded: string | null; served: Response | null; events: string[]; printOptions: unknown }[],
    printResult: new Uint8Array([0x25, 0x50, 0x44, 0x46]) as Uint8Array | Error,
  };
  return state;
});

vi.mock('electron', () => {
  class BrowserWindow {
    private readonly rec: (typeof h.windows)[number];
    webContents: Record<string, unknown>;
    constructor(options: unknown) {
      this.rec = { options, destroyed: false, loaded: null, served: null, events: [], printOptions: null };
      h.windows.push(this.rec);
      const rec = this.rec;
      this.webContents = {
        setWindowOpenHandler: (fn: () => { action: string }) => rec.events.push(`open:${fn().action}`),
        on: (event: string) => rec.events.push(event),
        printToPDF: async (o: unknown) => {
          rec.printOptions = o;
          if (h.printResult instanceof Error) throw h.printResult;
          return Buffer.from(h.printResult);
        },
      };
    }
    async loadURL(url: string): Promise<void> {
      this.rec.loaded = url;
      this.rec.served = await h.protocolHandler!(new Request(url));
    }
    isDestroyed(): boolean {
      return this.rec.destroyed;
    }
    destroy(): void {
      this.rec.destroyed = true;
    }
  }
  const session = {
    fromPartition: (p: string) => {
      h.partitions.push(p);
      return {
        protocol: { handle: (_scheme: string, fn: Handler) => (h.protocolHandler = fn) },
        webRequest: { onBeforeRequest: (fn: BeforeRequest) => (h.beforeRequest = fn) },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        on: vi.fn(),
      };
    },
  };
  return { BrowserWindow, session };
});

const { printHtmlToPdf, printWindowOptions, withPrintCsp, PRINT_PARTITION } = await import('./print-pdf');
const { PRINT_CSP } = await import('../security/csp');
const { cssPageOf, pdfOptionsFor } = await import('./pdf-options');

const REPORT = '<!doctype html><html><head><title>r</title><style>@page { size: Letter landscape; margin: 12mm }</style></head><body><h1>Report</h1></body></html>';

beforeEach(() => {
  h.windows.length = 0;
  h.printResult = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
});

describe('print window', () => {
  it('is hidden, sandboxed, JavaScript off, no preload, no node, in its own memory-only session', () => {
    const o = printWindowOptions();
    expect(o.show).toBe(false);
    expect(o.webPreferences).toMatchObject({ sandbox: true, javascript: false, contextIsolation: true, nodeIntegration: false, webSecurity: true, partition: PRINT_PARTITION });
    expect(o.webPreferences?.preload).toBeUndefined();
    expect(PRINT_PARTITION.startsWith('persist:')).toBe(false);
  });

  it('prints the HTML served with the print CSP (header and meta), and destroys the window', async () => {
    const pdf = await printHtmlToPdf(REPORT);
    expect([...pdf]).toEqual([0x25, 0x50, 0x44, 0x46]);
    const w = h.windows[0];
    expect(w.loaded).toMatch(/^app:\/\/print\/[0-9a-f]{24}\.html$/);
    expect(w.served?.headers.get('content-security-policy')).toBe(PRINT_CSP);
    const body = await w.served!.text();
    expect(body).toContain(`<head><meta http-equiv="Content-Security-Policy" content="${PRINT_CSP}"><title>r</title>`);
    expect(w.events).toEqual(expect.arrayContaining(['open:deny', 'will-navigate', 'will-redirect']));
    expect(w.printOptions).toEqual(expect.objectContaining({ pageSize: 'Letter', landscape: true, preferCSSPageSize: true, printBackground: true, displayHeaderFooter: false }));
    expect(w.destroyed).toBe(true);
    expect(h.partitions).toContain(PRINT_PARTITION);
  });

  it('after printing, the document is no longer served; other URLs never were; only it and data: may load', async () => {
    await printHtmlToPdf(REPORT);
    const url = h.windows[0].loaded!;
    expect((await h.protocolHandler!(new Request(url))).status).toBe(404);
    expect((await h.protocolHandler!(new Request('app://print/other.html'))).status).toBe(404);
    const verdict = (u: string) => {
      let cancel = false;
      h.beforeRequest!({ url: u }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(verdict('https://example.com/font.woff2')).toBe(true);
    expect(verdict('file:///etc/passwd')).toBe(true);
    expect(verdict('data:image/png;base64,AA')).toBe(false);
  });

  it('destroys the window when printing fails, and reports the failure', async () => {
    h.printResult = new Error('printing failed');
    await expect(printHtmlToPdf(REPORT)).rejects.toThrow('printing failed');
    expect(h.windows[0].destroyed).toBe(true);
  });
});

describe('PDF options from the HTML', () => {
  it('reads the paper from @page size, A4 when none is given', () => {
    expect(cssPageOf('<style>@page{size:A4}</style>')).toEqual({ paper: 'A4', landscape: false, margins: null });
    expect(cssPageOf('<style>@page :first { size: letter portrait }</style>')).toMatchObject({ paper: 'Letter', landscape: false });
    expect(cssPageOf('<style>@page { margin: 1in }</style>')).toEqual({ paper: null, landscape: false, margins: { top: 1, right: 1, bottom: 1, left: 1 } });
    expect(pdfOptionsFor('<p>no css</p>').pageSize).toBe('A4');
    expect(pdfOptionsFor('<style>@page { size: 210mm 297mm }</style>').pageSize).toBe('A4');
  });

  it('takes paper and margins from the report print HTML (shared/report), same as the CLI', async () => {
    const { printLayout, electronPrintToPdfOptions } = await import('../../../shared/report/print-layout');
    const { printCss } = await import('../../../shared/report/print-css');
    for (const size of ['a4', 'letter'] as const) {
      const layout = printLayout(size, 'tdx-cpuid 0.1.0 · Reconciliation · 2026-01-01');
      const html = `<!doctype html><html><head><style>${printCss(layout)}</style></head><body></body></html>`;
      const expected = electronPrintToPdfOptions(layout);
      expect(pdfOptionsFor(html)).toMatchObject({ pageSize: expected.pageSize, margins: expected.margins, preferCSSPageSize: true, displayHeaderFooter: false });
    }
  });

  it('adds a head with the CSP to a fragment without one', () => {
    expect(withPrintCsp('<p>x</p>')).toBe(`<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${PRINT_CSP}"></head><body><p>x</p></body></html>`);
    expect(withPrintCsp('<HTML><HEAD lang="en"><title>t</title></HEAD></HTML>')).toContain('<HEAD lang="en"><meta http-equiv');
  });
});
