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

export default defineConfig({
  root,
  base: './',
  plugins: [vue(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: {
    outDir: `${root}../out/renderer-web`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
});
