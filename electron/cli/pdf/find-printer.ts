// Finds something that can print the report HTML to PDF: a Chromium-family browser on the
// system (driven through playwright-core), or the Electron binary of a development checkout.
// Order: $CHROMIUM_PATH, the standard install locations of Chromium / Chrome / Edge for the
// platform, the same names on $PATH, then Electron.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

export interface Printer {
  readonly kind: 'chromium' | 'electron';
  readonly path: string;
  /** Where it was found, for messages: `CHROMIUM_PATH`, `/usr/bin/chromium`, `PATH`, `electron package`. */
  readonly from: string;
}

export interface FindEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly isFile: (path: string) => boolean;
  /** Path of the Electron binary if the `electron` package has one, else null. */
  readonly electronBinary: () => string | null;
}

/** What to tell a user who has none of them. */
export const NO_PRINTER_MESSAGE =
  'cannot print a PDF: no Chromium, Chrome, Edge or Electron found. Install Chromium ' +
  '(Debian/Ubuntu: apt install chromium; Fedora: dnf install chromium; macOS: brew install --cask chromium; ' +
  'Windows: Google Chrome or Microsoft Edge) or set CHROMIUM_PATH to its executable. ' +
  'The --html output needs no browser.';

const LINUX_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/microsoft-edge',
  '/usr/bin/microsoft-edge-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
];
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'msedge', 'microsoft-edge', 'microsoft-edge-stable'];

function macPaths(home: string | undefined): string[] {
  const apps = [
    'Google Chrome.app/Contents/MacOS/Google Chrome',
    'Chromium.app/Contents/MacOS/Chromium',
    'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    'Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  ];
  return [...apps.map((a) => `/Applications/${a}`), ...(home ? apps.map((a) => `${home}/Applications/${a}`) : [])];
}

function windowsPaths(env: FindEnv['env']): string[] {
  const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
  const rel = ['Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe', 'Chromium\\Application\\chrome.exe'];
  return roots.flatMap((r) => rel.map((p) => `${r}\\${p}`));
}

function candidates(f: FindEnv): string[] {
  if (f.platform === 'darwin') return macPaths(f.env.HOME);
  if (f.platform === 'win32') return windowsPaths(f.env);
  return LINUX_PATHS;
}

function onPath(f: FindEnv): string | null {
  const dirs = (f.env.PATH ?? f.env.Path ?? '').split(f.platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const exts = f.platform === 'win32' ? ['.exe'] : [''];
  for (const name of PATH_NAMES) for (const dir of dirs) for (const ext of exts) {
    const p = join(dir, name + ext);
    if (f.isFile(p)) return p;
  }
  return null;
}

/**
 * The printer to use, or null. Throws when CHROMIUM_PATH is set but names no file, because
 * silently printing with another browser would hide the user's mistake.
 */
export function findPrinter(f: FindEnv = systemFindEnv()): Printer | null {
  const forced = f.env.CHROMIUM_PATH;
  if (forced !== undefined && forced !== '') {
    if (!f.isFile(forced)) throw new Error(`CHROMIUM_PATH=${forced}: no such file`);
    return { kind: 'chromium', path: forced, from: 'CHROMIUM_PATH' };
  }
  for (const p of candidates(f)) if (f.isFile(p)) return { kind: 'chromium', path: p, from: p };
  const found = onPath(f);
  if (found) return { kind: 'chromium', path: found, from: 'PATH' };
  const electron = f.electronBinary();
  if (electron) return { kind: 'electron', path: electron, from: 'electron package' };
  return null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The Electron binary named by the `electron` package's path.txt (what `require('electron')`
 * returns in Node), found without running the package: its index.js throws when the binary
 * was never downloaded.
 */
export function electronBinaryFromPackage(env: FindEnv['env'] = process.env): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('electron/package.json');
    const dir = dirname(pkg);
    const pathTxt = join(dir, 'path.txt');
    if (!existsSync(pathTxt)) return null;
    const rel = readFileSync(pathTxt, 'utf8').trim();
    const bin = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, rel) : join(dir, 'dist', rel);
    return isFile(bin) ? bin : null;
  } catch {
    return null;
  }
}

export function systemFindEnv(): FindEnv {
  return { env: process.env, platform: process.platform, isFile, electronBinary: () => electronBinaryFromPackage() };
}
