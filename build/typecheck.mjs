// Type-checks every layer with its own tsconfig, so that a layer cannot use
// another layer's globals (shared/ has neither DOM nor Node types).
import { spawn } from 'node:child_process';

const jobs = [
  ['tsc', ['-p', 'shared/tsconfig.json']],
  ['tsc', ['-p', 'electron/tsconfig.json']],
  ['tsc', ['-p', 'test/tsconfig.json']],
  ['vue-tsc', ['-p', 'renderer/tsconfig.json']],
];

function run([cmd, args]) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['--no-install', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ name: `${cmd} ${args.join(' ')}`, code, out }));
  });
}

const results = [];
// Two at a time: the machines this runs on have two cores.
for (let i = 0; i < jobs.length; i += 2) results.push(...(await Promise.all(jobs.slice(i, i + 2).map(run))));
let failed = false;
for (const r of results) {
  if (r.code !== 0) {
    failed = true;
    process.stderr.write(`\n✗ ${r.name}\n${r.out}`);
  } else process.stdout.write(`✓ ${r.name}\n`);
}
process.exit(failed ? 1 : 0);
