// The CLI's start (bin/tdx-cpuid.mjs): the V8 code cache that build/build-cli.mjs trains is
// accepted by a plain `node` (a cache V8 rejects costs ~100 ms of compiling at every start,
// silently), also when the bin's own start-up flags are in effect, and the output of a
// command is the same with the start-up settings as without them.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env } });

const EMR = 'test/fixtures/corpus/aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt';
const EPYC = 'test/fixtures/corpus/hwloc_gather_cpuid/AMD-19h-Zen4-2xEpyc-9654.tar.bz2';

describe('tdx-cpuid start-up', () => {
  it('uses the code cache built for this bundle', () => {
    const r = run(['modules'], { TDX_CPUID_REPORT_CODE_CACHE: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('tdx-cpuid: V8 code cache used\n');
  });

  it('prints the same decode with and without the code cache and start-up flags', () => {
    const withStart = run(['decode', '--all-cpus', '--json', EMR, EPYC]);
    // The bundle compiled from source, with V8's default settings (`node -e` has no script
    // path in argv, so a stand-in takes its place).
    const load = [
      "const b = require('node:path').resolve('dist/cli/tdx-cpuid.cjs');",
      "const m = { exports: {} };",
      "new (require('node:vm').Script)(require('node:fs').readFileSync(b, 'latin1'), { filename: b })",
      '.runInThisContext()(m.exports, require, m, b, require("node:path").dirname(b), "");',
    ].join('');
    const plain = spawnSync(process.execPath, ['-e', load, 'tdx-cpuid', 'decode', '--all-cpus', '--json', EMR, EPYC], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(withStart.status, withStart.stderr).toBe(0);
    expect(plain.status, plain.stderr).toBe(0);
    expect(withStart.stdout.length).toBeGreaterThan(1_000_000);
    expect(withStart.stdout).toBe(plain.stdout);
  });
});
