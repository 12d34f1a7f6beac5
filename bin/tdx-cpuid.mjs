#!/usr/bin/env node
// Entry point of the `tdx-cpuid` command. The bundle and its V8 code cache are built by
// `npm install` (the prepare script) or `npm run build:cli` (build/build-cli.mjs).
//
// The bundle is one function expression compiled here with node:vm so that V8 can take the
// bytecode from the code cache instead of compiling 1.3 MB of JavaScript at every start.
// The cache is used only when it names this very build (its first line, the bundle's last)
// and V8 accepts it (same V8 version and flags); otherwise the bundle compiles from source.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/cli/tdx-cpuid.cjs', import.meta.url));
let source;
try {
  source = readFileSync(bundle, 'latin1'); // the bundle is pure ASCII
} catch {
  process.stderr.write('tdx-cpuid: the CLI is not built yet; run `npm run build:cli` in the project folder.\n');
  process.exit(2);
}

/** The build id, the bundle's last line (`//# tdx-cpuid-build <hex>`). */
const id = /\/\/# tdx-cpuid-build ([0-9a-f]+)\n$/.exec(source.slice(-100))?.[1];

/** The code cache, when it belongs to this bundle: `<build id>\n` then V8's data. */
function codeCache() {
  if (!id) return undefined;
  let bytes;
  try {
    bytes = readFileSync(`${bundle}.v8cache`);
  } catch {
    return undefined;
  }
  return bytes.length > id.length + 1 && bytes.toString('latin1', 0, id.length + 1) === `${id}\n` ? bytes.subarray(id.length + 1) : undefined;
}

// build/build-cli.mjs runs sample commands through this hook to write the cache.
const training = process.env.TDX_CPUID_TRAIN_CODE_CACHE ? JSON.parse(process.env.TDX_CPUID_TRAIN_CODE_CACHE) : null;
if (training) process.env.TDX_CPUID_NO_AUTORUN = '1';

const cachedData = training ? undefined : codeCache();
const script = new Script(source, { filename: bundle, cachedData });
// For "why is it slow to start?" (and the test that the build's cache is accepted).
if (process.env.TDX_CPUID_REPORT_CODE_CACHE) {
  process.stderr.write(`tdx-cpuid: V8 code cache ${!cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
}

// V8 settings for a process that lives for a fraction of a second, set now: after the code
// cache was accepted (a flag set earlier would change the flag hash the cache is checked
// against), and never in a training run, whose cache must carry the default flag hash. V8
// reads both whenever it decides, so they take effect for the command. Only on the V8
// versions where they are known (an unknown flag is reported on stderr).
// - The young generation stays at its start size instead of doubling up to 32 MB:
//   first-touching the memory of a grown young generation costs more than the extra
//   scavenges (decode over the corpus 50-80 ms faster, reconcile --json ~50 ms, peak memory
//   25 MB lower).
// - Functions tier up to the optimizing compiler after ~4x more work (interrupt budget 300 000
//   bytes of bytecode, V8's default 67 584): with two cores shared by the command, the
//   compiler and the GC, the default optimizes many functions that run for a few more
//   milliseconds only. Decode over the corpus ~970 -> ~870 ms, reconcile of the demo
//   ~475 -> ~440 ms (interleaved runs); 150 000 and 600 000 gain less, a lower budget loses.
const v8Major = Number(process.versions.v8.split('.')[0]);
if (!training && v8Major >= 11 && v8Major <= 13) setFlagsFromString('--semi-space-growth-factor=1 --interrupt-budget=300000');
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), pathToFileURL(bundle).href);

if (training) {
  for (const argv of training.runs) await module.exports.runCli(argv);
  if (!id) throw new Error('the bundle has no build id line');
  writeFileSync(`${training.out}.part`, Buffer.concat([Buffer.from(`${id}\n`, 'latin1'), script.createCachedData()]));
  renameSync(`${training.out}.part`, training.out);
}
