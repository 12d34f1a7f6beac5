import { describe, expect, it } from 'vitest';
import { appCsp, appCspDirectives, appCspForMeta, PRINT_CSP } from './csp';
import { isAllowedRequest, isPermissionGranted } from './policy';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

describe('app CSP', () => {
  it('allows scripts only from the app itself: no eval, no inline script, nothing remote', () => {
    const d = directives(appCsp());
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(appCsp()).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('development adds the Vite server (and inline styles it injects), never unsafe-eval', () => {
    const dev = appCspDirectives({ devServerOrigin: 'http://localhost:5173' });
    expect(dev['script-src']).toEqual(["'self'", 'http://localhost:5173']);
    expect(dev['connect-src']).toContain('ws://localhost:5173');
    expect(appCsp({ devServerOrigin: 'http://localhost:5173' })).not.toContain('unsafe-eval');
  });

  it('the meta form leaves out frame-ancestors (ignored in <meta>) and keeps the rest', () => {
    expect(appCspForMeta()).not.toContain('frame-ancestors');
    expect(directives(appCspForMeta()).get('script-src')).toEqual(["'self'"]);
  });
});

describe('print CSP', () => {
  it('forbids every script and every load but inline styles and data: images/fonts', () => {
    const d = directives(PRINT_CSP);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'none'"]);
    expect(d.get('style-src')).toEqual(["'unsafe-inline'"]);
    expect(d.get('img-src')).toEqual(['data:']);
    expect(PRINT_CSP).not.toMatch(/'self'|https?:/);
  });
});

describe('load and permission policy', () => {
  it('lets only app://workbench, data:, blob: and devtools load in a build', () => {
    const p = {};
    expect(isAllowedRequest('app://workbench/assets/x.js', p)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AA', p)).toBe(true);
    expect(isAllowedRequest('blob:app://workbench/123', p)).toBe(true);
    for (const url of ['https://example.com/x.js', 'http://localhost:5173/', 'ws://localhost:5173/', 'file:///etc/passwd', 'app://print/x.html', 'ftp://x/y']) {
      expect(isAllowedRequest(url, p), url).toBe(false);
    }
  });

  it('adds the dev server (http and ws) during development only', () => {
    const p = { devServerOrigin: 'http://localhost:5173' };
    expect(isAllowedRequest('http://localhost:5173/src/main.ts', p)).toBe(true);
    expect(isAllowedRequest('ws://localhost:5173/', p)).toBe(true);
    expect(isAllowedRequest('http://localhost:5174/', p)).toBe(false);
    expect(isAllowedRequest('https://cdn.example/vue.js', p)).toBe(false);
  });

  it('denies every permission except clipboard writes from our own origin', () => {
    const p = {};
    for (const perm of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'clipboard-read', 'hid', 'serial', 'usb']) {
      expect(isPermissionGranted(perm, 'app://workbench/index.html', p), perm).toBe(false);
    }
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://workbench/index.html', p)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/', p)).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://print/x.html', p)).toBe(false);
  });
});
