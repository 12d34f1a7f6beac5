// The built-in demo bug report (resources/demo/, chosen by the renderer issue: a real
// Sapphire Rapids host dump with a module version, QEMU command line and warnings). Vite
// bundles the files into the main process build, so the packaged app carries them inside
// app.asar and needs no extra resource folder. Names and hashes match the browser bridge
// (renderer/src/platform/browser-bridge.ts): "demo/<file>", SHA-256 of the UTF-8 text.

import { createHash } from 'node:crypto';
import type { OpenedFile, OpenResult } from '../../../shared/api/bridge';

const DEMO_FILES = import.meta.glob<string>(['../../../resources/demo/**/*', '!**/*.md', '!**/*.json.license'], {
  query: '?raw',
  import: 'default',
});

export async function loadDemo(files: Record<string, () => Promise<string>> = DEMO_FILES): Promise<OpenResult> {
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return { files: [], problems: [{ path: 'demo', message: 'this build carries no demo bug report' }] };
  const opened: OpenedFile[] = [];
  for (const [path, load] of entries) {
    const text = await load();
    const bytes = new TextEncoder().encode(text);
    opened.push({
      path: path.replace(/^.*\/resources\/demo\//, 'demo/'),
      origin: 'demo',
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      text,
    });
  }
  return { files: opened, problems: [] };
}
