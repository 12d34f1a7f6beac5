// A stand-in for Electron's unpacked distribution, so electron-builder can package the
// app offline where the real Electron cannot be downloaded (CI, this repository's tests):
// `electron-builder --dir -c.electronDist=<dir>`. electron-builder copies the folder,
// renames the executable, writes resources/app.asar and flips the fuses; for the last
// step the executable must carry Electron's fuse wire (a sentinel, version 1, length,
// one byte per fuse), here with Electron's default states. Found by trying: nothing else
// in the folder is required for a Linux --dir build.

import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @electron/fuses' sentinel (constants.ts) preceding the fuse wire in the Electron binary. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron's default fuse states in wire order (docs/tutorial/fuses.md): RunAsNode on,
 * cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off, only-asar off,
 * browser V8 snapshot off, file:// extra privileges on.
 */
export const DEFAULT_FUSE_WIRE = '10110001';

export function createStubElectronDist(dir: string, version: string, executable = 'electron'): string {
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, executable);
  const wire = Buffer.from(DEFAULT_FUSE_WIRE, 'latin1');
  writeFileSync(
    exe,
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho "stub Electron: install the real one (npm install) to run the app" >&2\nexit 1\n# ', 'latin1'),
      Buffer.from(FUSE_SENTINEL, 'latin1'),
      Buffer.from([1, wire.length]),
      wire,
      Buffer.from('\n', 'latin1'),
    ]),
  );
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'Stub Electron distribution for offline packaging tests.\n');
  return exe;
}

/** The fuse wire ('0'/'1' per fuse) of a packaged executable, or null when it has none. */
export function readFuseWire(executable: string): string | null {
  const bytes = readFileSync(executable);
  const at = bytes.indexOf(FUSE_SENTINEL, 0, 'latin1');
  if (at < 0) return null;
  const pos = at + FUSE_SENTINEL.length;
  const length = bytes[pos + 1];
  return bytes.subarray(pos + 2, pos + 2 + length).toString('latin1');
}
