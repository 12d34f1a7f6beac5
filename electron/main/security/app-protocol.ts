// The app:// scheme serving the built renderer (Electron security checklist: "Use a custom
// protocol instead of file://"). Registered as privileged (standard, secure, fetch) before
// the app is ready; protocol.handle calls handleAppRequest for every request. Only files
// inside the renderer folder are served: encoded "..", backslashes, NUL bytes and absolute
// paths are refused, whatever the URL parser left of them.

import { promises as fsp } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** The privileges Electron's protocol.registerSchemesAsPrivileged receives for app://. */
export const APP_SCHEME_PRIVILEGES = {
  // Relative URLs, an origin (app://workbench) and web storage like https.
  standard: true,
  // A secure context (crypto.subtle, clipboard), and no mixed-content downgrade.
  secure: true,
  supportFetchAPI: true,
  // Module scripts (<script type="module" crossorigin>) and module workers are fetched in
  // CORS mode; Chromium refuses that for schemes it does not know as CORS-enabled. Our
  // responses carry no Access-Control-Allow-Origin, so no other origin can read them.
  corsEnabled: true,
  // V8 keeps the compiled renderer and worker code between starts (Electron 28+; needs
  // `standard`), as it does for https pages: every start after the first skips compiling
  // the interface and the engine again. The cache lives in the user-data folder.
  codeCache: true,
  // Not bypassCSP, no service workers, no streams.
} as const;

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export type AppResolution = { readonly ok: true; readonly file: string; readonly contentType: string } | { readonly ok: false; readonly status: 400 | 403 | 404 };

/** Maps an app:// URL to a file inside `root`, or says why not. Pure (no file access). */
export function resolveAppUrl(url: string, root: string): AppResolution {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password || u.port) return { ok: false, status: 403 };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\') || /(^|\/)\.\.(\/|$)/.test(path)) return { ok: false, status: 403 };
  if (path === '' || path === '/') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return { ok: false, status: 403 };
  return { ok: true, file, contentType: MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

export interface AppResponseOptions {
  readonly root: string;
  /** Content-Security-Policy header of HTML documents. */
  readonly csp: string;
}

function refusal(status: number): Response {
  return new Response(null, { status, headers: { 'Content-Type': 'text/plain', 'X-Content-Type-Options': 'nosniff' } });
}

/** The protocol.handle handler body: a Fetch Request in, a Fetch Response out. */
export async function handleAppRequest(request: Request, options: AppResponseOptions): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405);
  const r = resolveAppUrl(request.url, options.root);
  if (!r.ok) return refusal(r.status);
  let body: Buffer;
  try {
    body = await fsp.readFile(r.file);
  } catch {
    return refusal(404);
  }
  const headers: Record<string, string> = {
    'Content-Type': r.contentType,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  // Workers and documents are governed by the policy of their own response.
  if (r.contentType.startsWith('text/html') || r.contentType.startsWith('text/javascript')) headers['Content-Security-Policy'] = options.csp;
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}
