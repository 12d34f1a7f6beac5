// Bundles the command line (electron/cli) into one ESM file that plain Node runs,
// so `npx tdx-cpuid` starts fast and needs neither Electron nor a TypeScript loader.
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
await build({
  entryPoints: [resolve(root, 'electron/cli/main.ts')],
  outfile: resolve(root, 'dist/cli/tdx-cpuid.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(version) },
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
