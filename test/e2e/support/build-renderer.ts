// Builds the renderer the way the app ships it (renderer/vite.config.ts) into a folder
// the e2e tests and the UI benchmark serve.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const RENDERER_DIST = join(REPO_ROOT, 'test/output/renderer-web');

export async function buildRenderer(outDir = RENDERER_DIST): Promise<string> {
  const { build } = await import('vite');
  await build({
    configFile: join(REPO_ROOT, 'renderer/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`renderer build produced no index.html in ${outDir}`);
  return outDir;
}
