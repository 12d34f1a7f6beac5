// The one rule between layers (docs: architecture.md): shared/ imports nothing
// outside shared/ except small pure libraries; renderer/ and electron/ never
// import each other and meet only through shared/api. This check fails the build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { builtinModules } from 'node:module';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SHARED_PACKAGES = new Set(['zod', 'fflate']);
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|vue|mts)$/.test(name) && !/\.(test|bench|spec)\.ts$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

function layerOf(absPath) {
  const rel = relative(root, absPath).split(sep);
  return ['shared', 'electron', 'renderer'].includes(rel[0]) ? rel[0] : null;
}

const problems = [];
for (const layer of ['shared', 'electron', 'renderer']) {
  for (const file of walk(join(root, layer))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const line = text.slice(0, m.index).split('\n').length;
      const where = `${relative(root, file)}:${line}`;
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), spec));
        if (target && target !== layer && target !== 'shared') problems.push(`${where}: ${layer}/ must not import ${target}/ ('${spec}')`);
        if (layer === 'shared' && target !== 'shared') problems.push(`${where}: shared/ must not import outside shared/ ('${spec}')`);
        continue;
      }
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (layer === 'shared' && !SHARED_PACKAGES.has(pkg)) problems.push(`${where}: shared/ may only import ${[...SHARED_PACKAGES].join(', ')}, not '${spec}'`);
      if (layer === 'renderer' && (NODE_BUILTINS.has(spec) || pkg === 'electron')) problems.push(`${where}: renderer/ runs sandboxed and must not import '${spec}'`);
    }
  }
}
if (problems.length) {
  console.error(`Layer rule broken (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('✓ layer rule: shared/ is self-contained; renderer/ and electron/ meet only through shared/');
