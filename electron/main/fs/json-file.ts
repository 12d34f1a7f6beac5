// Small JSON state files in the user-data folder (settings, recent list, window state,
// last session): read leniently (missing or damaged -> null, the app starts with
// defaults), written atomically.

import { promises as fsp } from 'node:fs';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic-write';

export async function readJsonFile<T>(path: string, schema: z.ZodType<T>, maxBytes: number): Promise<T | null> {
  try {
    const st = await fsp.stat(path);
    if (!st.isFile() || st.size > maxBytes) return null;
    const parsed = schema.safeParse(JSON.parse(await fsp.readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeJsonFile(path: string, value: unknown, mode?: number): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
}
