// Bundles the command line (electron/cli) into one script that plain Node runs, so
// `npx tdx-cpuid` starts fast and needs neither Electron nor a TypeScript loader.
//
// Start-up is most of a short command's time, so the bundle is made cheap to load:
// - it is one function expression, compiled by bin/tdx-cpuid.mjs with node:vm and a V8 code
//   cache (Node 20 has no module.enableCompileCache): the cache written here holds the
//   bytecode of every function a sample of commands ran, so a run compiles (almost) nothing.
//   The cache is tied to this exact bundle by a build id (V8 itself only checks the source
//   length) and to the V8 version and flags by V8, which rejects it otherwise: then the
//   bundle is compiled from source as usual, only slower;
// - the knowledge JSON files (~550 KB) become `JSON.parse('...')` calls: V8 scans a string
//   literal and parses JSON far faster than it compiles the same data as object literals;
// - whitespace and comments are dropped and syntax shortened (identifiers keep their names,
//   so messages and stack traces stay readable); this also keeps the file pure ASCII, which
//   Node reads as Latin-1 without the slow UTF-8 path;
// - files are written under a temporary name and renamed, so a CLI started while the tests
//   rebuild it never reads half a file.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { dirname, resolve, sep } from 'node:path';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const outfile = resolve(root, 'dist/cli/tdx-cpuid.cjs');
const cacheFile = `${outfile}.v8cache`;

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
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  charset: 'ascii',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [jsonAsParse],
  // The loader passes the bundle's own URL (for createRequire).
  define: { __VERSION__: JSON.stringify(version), 'import.meta.url': '__bundleUrl' },
});
if (result.outputFiles.length !== 1) throw new Error(`esbuild wrote ${result.outputFiles.length} files, expected 1`);

// The function bin/tdx-cpuid.mjs calls: CommonJS's parameters plus the bundle URL. Strict, as
// the ES module it replaces was. The last line names the build, and the code cache repeats it.
const code = result.outputFiles[0].text;
const buildId = createHash('sha256').update(code).digest('hex').slice(0, 32);
const bundle = `(function (exports, require, module, __filename, __dirname, __bundleUrl) {"use strict";\n${code}\n})\n//# tdx-cpuid-build ${buildId}\n`;

function writeAtomically(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

mkdirSync(dirname(outfile), { recursive: true });
rmSync(cacheFile, { force: true }); // a cache must never outlive its bundle
rmSync(resolve(root, 'dist/cli/tdx-cpuid.mjs'), { force: true }); // the former ES module bundle
writeAtomically(outfile, bundle);

// Train the code cache: run sample commands in one process (the loader's build-time hook,
// output discarded; a sample the CLI refuses still compiles what it ran) and keep the bytecode
// of every function they compiled. The samples are corpus files when the checkout has them
// (short commands then find their reading, engine and report code cached, and `decode`
// its reader for every corpus format), else the commands that need no input.
const corpus = resolve(root, 'test/fixtures/corpus');
const sample = resolve(corpus, 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt');
const runs = [['modules'], ['rules'], ['--help']];
if (existsSync(sample)) {
  runs.push(
    ['reconcile', sample, '--module', '1.5.06'],
    ['reconcile', sample, '--module', '1.5.06', '--json'],
    ['explain', '7.0.ebx.16', sample, '--module', '1.5.06'],
    ['report', sample, '--module', '1.5.06'],
  );
  // One decode over the first files of every corpus folder (every reader and detector).
  const firsts = readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((d) => readdirSync(resolve(corpus, d)).sort().slice(0, 2).map((f) => resolve(corpus, d, f)));
  for (const f of firsts) runs.push(['decode', '--all-cpus', '--json', f]);
}
const tmpCache = `${cacheFile}.${process.pid}.tmp`;
const trained = spawnSync(process.execPath, [resolve(root, 'bin/tdx-cpuid.mjs')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
  env: { ...process.env, TDX_CPUID_TRAIN_CODE_CACHE: JSON.stringify({ out: tmpCache, runs }) },
});
if (trained.status === 0 && existsSync(tmpCache)) {
  renameSync(tmpCache, cacheFile);
} else {
  rmSync(tmpCache, { force: true });
  // Not fatal: the CLI runs without a cache, only slower to start.
  process.stderr.write(`build-cli: no V8 code cache (training run exit ${trained.status}): ${trained.stderr.slice(-2000)}\n`);
}
