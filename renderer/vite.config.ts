// Standalone build of the renderer for a plain browser (e2e tests, benchmarks): the same
// shape as the renderer part of electron.vite.config.ts (root renderer/, index.html,
// relative asset paths so the files load from app:// and http:// alike).
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * The built page carries the same strict policy the Electron shell sends as a header:
 * no inline script or style, workers only from the app itself. Build only: Vite's dev
 * server injects <style> elements, which this policy (rightly) refuses.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'workbench-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * The knowledge tables (shared/knowledge/**.json) as one `JSON.parse` of a string each. As
 * object literals, V8 must parse every key and value of ~500 KB of tables as code before the
 * analysis worker can run; a string literal is only scanned, and JSON.parse is quicker
 * than building the same objects from literal code (same as the CLI bundle, build/build-cli.mjs).
 */
export function jsonAsParse(): Plugin {
  return {
    name: 'workbench-json-as-parse',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]shared[\\/]knowledge[\\/].*\.json$/.test(id)) return null;
      const text = JSON.stringify(JSON.parse(code) as unknown);
      return { code: `export default JSON.parse(${JSON.stringify(text)});`, moduleType: 'js', map: null };
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [vue(), contentSecurityPolicy(), jsonAsParse()],
  worker: { format: 'es', plugins: () => [jsonAsParse()] },
  build: {
    outDir: `${root}../out/renderer-web`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
});
