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
 * Explicit compile hint (Chromium 136+, so every Electron this app supports): the chunk
 * built from ./src/boot.ts (Vue, the components, the stores) starts with
 * `//# allFunctionsCalledOnLoad`, so V8 compiles its functions on the thread that streams
 * the script while the page loads, instead of one by one on the UI thread when they first
 * run: that is when the first analysis arrives and the grid is built. Not for the analysis
 * worker's chunk: most of its functions (readers of other formats, comparisons, reports)
 * never run in a session, and compiling them all up front delays the first analysis more
 * than it saves (measured with test/bench/ui.bench.ts). The hook runs last ('post'): Vite
 * puts its preload helper at the top of the chunk, and the comment must be the first line.
 * https://github.com/WICG/explicit-javascript-compile-hints-file-based
 */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

export function compileHints(chunkName = 'boot'): Plugin {
  return {
    name: 'workbench-compile-hints',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (file.type === 'chunk' && file.name === chunkName && !file.code.startsWith(COMPILE_HINT)) file.code = `${COMPILE_HINT}\n${file.code}`;
        }
      },
    },
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
  plugins: [vue(), contentSecurityPolicy(), jsonAsParse(), compileHints()],
  worker: { format: 'es', plugins: () => [jsonAsParse()] },
  build: {
    outDir: `${root}../out/renderer-web`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
});
