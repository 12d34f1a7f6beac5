// `npm run bench`: runs every test/bench/*.bench.ts in its own Node process (so one
// benchmark's heap does not disturb the next) and prints one JSON document on stdout.
// Human-readable progress goes to stderr. Exit status 1 if a benchmark misses its target.
// Usage: npm run bench [-- name-filter]   (npm run -s bench > out.json: -s keeps npm's banner off stdout)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import os from 'node:os';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const filter = process.argv[2] ?? '';
const dir = join(root, 'test/bench');
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();

spawnSync(process.execPath, [join(root, 'build/build-cli.mjs')], { stdio: 'inherit' });

const suites = [];
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, f)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@bench '));
  if (r.status !== 0 || !line) {
    suites.push({ file: f, error: (r.stderr || r.stdout || `exit ${r.status}`).slice(-2000) });
    continue;
  }
  const results = JSON.parse(line.slice('@@bench '.length));
  for (const x of results) {
    // A benchmark that measures something else than time names its unit (memory: MB).
    const unit = typeof x.extra?.unit === 'string' ? x.extra.unit.split(' ')[0] : 'ms';
    process.stderr.write(`  ${x.pass === false ? '✗' : '✓'} ${x.name}: median ${x.medianMs} ${unit}${x.targetMs !== undefined ? ` (target ${x.targetMs})` : ''}\n`);
  }
  suites.push({ file: f, results });
}
const out = {
  schema: 'tdx-cpuid/bench/v1',
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? null,
  suites,
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
const failed = suites.some((s) => s.error || s.results.some((x) => x.pass === false));
process.exit(failed ? 1 : 0);
