// Bundles the command line (electron/cli) into one ESM file that plain Node runs,
// so `npx tdx-cpuid` starts fast and needs neither Electron nor a TypeScript loader.
//
// Start-up is most of a short command's time, so the bundle is made cheap to load:
// - the knowledge JSON files (~550 KB) become `JSON.parse('...')` calls: V8 scans a string
//   literal and parses JSON far faster than it compiles the same data as object literals;
// - whitespace and comments are dropped and syntax shortened (identifiers keep their names,
//   so messages and stack traces stay readable); this also keeps the file pure ASCII, which
//   Node reads without the slow UTF-8 path;
// - the file is written under a temporary name and renamed, so a CLI started while the
//   tests rebuild it never reads half a file.
import { build } from 'esbuild';
import { dirname, resolve, sep } from 'node:path';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const outfile = resolve(root, 'dist/cli/tdx-cpuid.mjs');

/** Our own JSON data (not dependencies' package.json files) as one JSON.parse of a string. */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async (args) => {
      if (!args.path.startsWith(resolve(root, 'shared') + sep)) return undefined;
      const minified = JSON.stringify(JSON.parse(await readFile(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(minified)});`, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [resolve(root, 'electron/cli/main.ts')],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  charset: 'ascii',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [jsonAsParse],
  define: { __VERSION__: JSON.stringify(version) },
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
mkdirSync(dirname(outfile), { recursive: true });
for (const f of result.outputFiles) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
