import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents } from './harden';

type Fn = (...args: never[]) => unknown;

function fakeEmitter() {
  const listeners = new Map<string, Fn>();
  return { listeners, on: (event: string, fn: Fn) => void listeners.set(event, fn) };
}

describe('hardenWebContents', () => {
  it('denies new windows and blocks navigation, sub-frame navigation, redirects and <webview>', () => {
    const em = fakeEmitter();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const wc = { ...em, setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn) };
    hardenWebContents(wc as unknown as WebContents, () => undefined);
    expect(openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() };
      (em.listeners.get(event) as (e: unknown, url?: string) => void)(e, 'https://evil.example/');
      expect(e.preventDefault, event).toHaveBeenCalled();
    }
    const sub = { preventDefault: vi.fn(), isMainFrame: false };
    (em.listeners.get('will-frame-navigate') as (e: unknown) => void)(sub);
    expect(sub.preventDefault).toHaveBeenCalled();
  });
});

describe('hardenSession', () => {
  function session() {
    const em = fakeEmitter();
    const s = {
      ...em,
      request: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl: string }) => void),
      check: null as null | ((wc: unknown, permission: string, origin: string) => boolean),
      device: null as null | (() => boolean),
      before: null as null | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
    };
    const api = {
      on: em.on,
      setPermissionRequestHandler: (fn: typeof s.request) => (s.request = fn),
      setPermissionCheckHandler: (fn: typeof s.check) => (s.check = fn),
      setDevicePermissionHandler: (fn: typeof s.device) => (s.device = fn),
      webRequest: { onBeforeRequest: (fn: typeof s.before) => (s.before = fn) },
    };
    return { s, api };
  }

  it('denies permission requests and checks, devices and downloads; cancels remote requests', () => {
    const { s, api } = session();
    hardenSession(api as unknown as Session, {}, () => undefined);
    let granted: boolean | null = null;
    s.request!(null, 'media', (ok) => (granted = ok), { requestingUrl: 'app://workbench/index.html' });
    expect(granted).toBe(false);
    expect(s.check!(null, 'geolocation', 'app://workbench')).toBe(false);
    expect(s.check!(null, 'clipboard-sanitized-write', 'app://workbench')).toBe(true);
    expect(s.device!()).toBe(false);
    const dl = { preventDefault: vi.fn() };
    (s.listeners.get('will-download') as (e: unknown) => void)(dl);
    expect(dl.preventDefault).toHaveBeenCalled();
    const cancelled = (url: string) => {
      let c = false;
      s.before!({ url }, (r) => (c = r.cancel));
      return c;
    };
    expect(cancelled('https://fonts.example/x.woff2')).toBe(true);
    expect(cancelled('app://workbench/index.html')).toBe(false);
  });
});
