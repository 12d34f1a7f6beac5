// Prints a report's self-contained print HTML to PDF in a hidden window that can do
// nothing but lay out that HTML: its own in-memory session, sandboxed, JavaScript off, no
// preload, a CSP that forbids scripts and every load but inline styles and data: images,
// all requests except the document itself cancelled, navigation and popups refused.
// The document is served from app://print/<random>.html on that session (an origin apart
// from the app window's app://workbench), with the CSP as a response header and again as
// a <meta> tag.

import { randomBytes } from 'node:crypto';
import { BrowserWindow, session, type BrowserWindowConstructorOptions, type Session } from 'electron';
import { PRINT_CSP } from '../security/csp';
import { pdfOptionsFor } from './pdf-options';

export const PRINT_PARTITION = 'workbench-print'; // no "persist:" prefix: memory only
export const PRINT_HOST = 'print';
const PRINT_TIMEOUT_MS = 60_000;

export function printWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 1240,
    height: 1754,
    webPreferences: {
      partition: PRINT_PARTITION,
      sandbox: true,
      javascript: false,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      plugins: false,
      webgl: false,
      spellcheck: false,
      devTools: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/** The print HTML with the print CSP as the first element of <head> (the meta fallback). */
export function withPrintCsp(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${PRINT_CSP}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  return `<!doctype html><html><head>${meta}</head><body>${html}</body></html>`;
}

const documents = new Map<string, string>();
let preparedSession: Session | null = null;

function printSession(): Session {
  if (preparedSession) return preparedSession;
  const ses = session.fromPartition(PRINT_PARTITION);
  ses.protocol.handle('app', (request) => {
    const html = documents.get(request.url);
    if (html === undefined) return new Response(null, { status: 404 });
    return new Response(html, {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PRINT_CSP, 'X-Content-Type-Options': 'nosniff' },
    });
  });
  // Only the document itself loads; images and fonts inside it are data: URLs.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !(documents.has(details.url) || details.url.startsWith('data:')) }));
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
  preparedSession = ses;
  return ses;
}

function timeout<T>(ms: number, what: string): Promise<T> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms).unref());
}

export async function printHtmlToPdf(html: string): Promise<Uint8Array> {
  printSession();
  const url = `app://${PRINT_HOST}/${randomBytes(12).toString('hex')}.html`;
  documents.set(url, withPrintCsp(html));
  const win = new BrowserWindow(printWindowOptions());
  try {
    const wc = win.webContents;
    wc.setWindowOpenHandler(() => ({ action: 'deny' }));
    wc.on('will-navigate', (event) => event.preventDefault());
    wc.on('will-redirect', (event) => event.preventDefault());
    const work = (async () => {
      await win.loadURL(url);
      return wc.printToPDF(pdfOptionsFor(html));
    })();
    work.catch(() => undefined); // after a timeout the window is destroyed under it
    const pdf = await Promise.race([work, timeout<Buffer>(PRINT_TIMEOUT_MS, 'Printing the report')]);
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    documents.delete(url);
    if (!win.isDestroyed()) win.destroy();
  }
}
