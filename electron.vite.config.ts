// Build of the desktop app (electron-vite): main process, preload, renderer -> out/.
//   main     electron/main/index.ts      -> out/main/index.js     (ESM; package.json "main")
//   preload  electron/preload/index.ts   -> out/preload/index.cjs (CommonJS: sandboxed
//            preloads cannot be ES modules; dependencies are bundled in, only 'electron' is external)
//   renderer renderer/index.html         -> out/renderer/         (served from app://workbench)
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { appCspForMeta } from './electron/main/security/csp';
import { jsonAsParse } from './renderer/vite.config';

const root = import.meta.dirname;

/** The app's CSP as a <meta> tag too (the app:// handler sends it as a header). Build only. */
function cspMeta(): Plugin {
  return {
    name: 'workbench-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) =>
      /http-equiv=["']?Content-Security-Policy/i.test(html)
        ? html
        : [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: appCspForMeta() }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: { input: { index: resolve(root, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Sandboxed preloads can require only 'electron' and a few built-ins: bundle the rest.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // Renderer section (the renderer's own standalone build is renderer/vite.config.ts).
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    // Knowledge tables as JSON.parse of a string, as in the browser build (quicker to compile).
    plugins: [vue(), cspMeta(), jsonAsParse()],
    worker: { format: 'es', plugins: () => [jsonAsParse()] },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
