// Synchronous form of atomic-write.ts for the window state written while the window is
// closing (asynchronous work may not finish before the process exits).

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { tempPathFor } from './atomic-write';

export function writeFileAtomicSync(target: string, data: string, mode = 0o600): void {
  const temp = tempPathFor(target);
  const fd = openSync(temp, 'wx', mode);
  let renamed = false;
  try {
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
  }
}
