// Content-Security-Policy of the app window and of the hidden report-printing window
// (Electron security checklist: "Define a Content Security Policy"). Sent as a response
// header by the app:// protocol handler; the built index.html carries the same policy in
// a <meta> tag as a fallback (added by electron.vite.config.ts).
//
// The app window runs Vue's runtime-only build (templates are compiled at build time), so
// neither 'unsafe-eval' nor 'unsafe-inline' scripts are needed. Styles: Vue applies :style
// bindings through the CSSOM, which CSP does not govern; stylesheets come from 'self'.

export type CspDirectives = Readonly<Record<string, readonly string[]>>;

export function serializeCsp(d: CspDirectives): string {
  return Object.entries(d)
    .map(([k, v]) => (v.length ? `${k} ${v.join(' ')}` : k))
    .join('; ');
}

export interface AppCspOptions {
  /** The Vite dev server origin (`npm run dev` only); it serves scripts and hot-reload. */
  readonly devServerOrigin?: string;
}

export function appCspDirectives(options: AppCspOptions = {}): CspDirectives {
  const dev = options.devServerOrigin;
  const wsDev = dev ? dev.replace(/^http/, 'ws') : undefined;
  return {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", dev] : ["'self'"],
    // In dev, Vite injects component styles as <style> elements; the build emits .css files.
    'style-src': dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': dev && wsDev ? ["'self'", dev, wsDev] : ["'self'"],
    'worker-src': dev ? ["'self'", 'blob:'] : ["'self'"],
    'manifest-src': ["'none'"],
    'media-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'child-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
}

export function appCsp(options: AppCspOptions = {}): string {
  return serializeCsp(appCspDirectives(options));
}

/** The <meta> form: browsers ignore frame-ancestors there (CSP3 §6.4.2) and warn, so it is left out. */
export function appCspForMeta(options: AppCspOptions = {}): string {
  const { 'frame-ancestors': _ignored, ...rest } = appCspDirectives(options);
  return serializeCsp(rest);
}

/**
 * The print HTML of a report is self-contained (inline CSS and SVG, no scripts): nothing
 * may run and nothing may load, except inline styles and data: images/fonts.
 */
export const PRINT_CSP = serializeCsp({
  'default-src': ["'none'"],
  'script-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': ['data:'],
  'font-src': ['data:'],
  'connect-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
});
