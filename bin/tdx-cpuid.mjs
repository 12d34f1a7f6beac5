#!/usr/bin/env node
// Entry point of the `tdx-cpuid` command. The bundle is built by `npm install`
// (the prepare script) or `npm run build:cli`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/tdx-cpuid.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('tdx-cpuid: the CLI is not built yet; run `npm run build:cli` in the project folder.\n');
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
