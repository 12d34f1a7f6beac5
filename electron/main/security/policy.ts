// Decisions of the security checklist as pure functions, so they are tested without
// Electron: which requests may load, which permissions are granted, which URLs a window
// may show. harden.ts wires them into Electron's sessions and webContents.

import { originOf } from '../ipc/sender';
import { APP_ORIGIN } from './app-protocol';

export interface LoadPolicy {
  /** The Vite dev server origin in `npm run dev`; absent in builds. */
  readonly devServerOrigin?: string;
}

/** Origins whose pages are ours: app://workbench, and the dev server during development. */
export function appOrigins(p: LoadPolicy): string[] {
  return p.devServerOrigin ? [APP_ORIGIN, p.devServerOrigin] : [APP_ORIGIN];
}

/**
 * No remote content (checklist items 1 and 2): a request may load only from the app
 * itself, in-memory data/blob URLs, DevTools' own pages, and in development the Vite
 * server (http and its hot-reload WebSocket).
 */
export function isAllowedRequest(url: string, p: LoadPolicy): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'data' || scheme === 'blob' || scheme === 'devtools') return true;
  const origin = originOf(url);
  if (origin === APP_ORIGIN) return true;
  if (p.devServerOrigin && origin) {
    const ws = p.devServerOrigin.replace(/^http/, 'ws');
    return origin === p.devServerOrigin || origin === ws;
  }
  return false;
}

/**
 * Permission requests and checks are denied (checklist item 5), with one exception: the
 * Clipboard API's sanitized write, which "Copy bit explanation" uses, for our own origin.
 */
export function isPermissionGranted(permission: string, requestingUrl: string, p: LoadPolicy): boolean {
  if (permission !== 'clipboard-sanitized-write') return false;
  const origin = originOf(requestingUrl);
  return origin !== null && appOrigins(p).includes(origin);
}
