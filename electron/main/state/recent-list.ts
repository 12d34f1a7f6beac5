// Open Recent: our own most-recently-used list (files, folders and bundles the user opened),
// kept in the user-data folder; the OS list (macOS Dock, Windows Jump List) is fed alongside
// through app.addRecentDocument by the caller.

import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../fs/json-file';

export const MAX_RECENT = 12;

const recentFileSchema = z.object({
  version: z.literal(1),
  paths: z.array(z.string().min(1).max(4096)).max(1000),
});

export class RecentList {
  private paths: string[] = [];

  constructor(private readonly file: string) {}

  async load(): Promise<readonly string[]> {
    const data = await readJsonFile(this.file, recentFileSchema, 1024 * 1024);
    this.paths = data ? dedupe(data.paths).slice(0, MAX_RECENT) : [];
    return this.list();
  }

  list(): readonly string[] {
    return [...this.paths];
  }

  has(path: string): boolean {
    return this.paths.includes(path);
  }

  /** Moves the paths to the front (first argument first), keeping at most MAX_RECENT. */
  async add(paths: readonly string[]): Promise<readonly string[]> {
    if (paths.length === 0) return this.list();
    this.paths = dedupe([...paths, ...this.paths]).slice(0, MAX_RECENT);
    await this.save();
    return this.list();
  }

  async remove(path: string): Promise<readonly string[]> {
    this.paths = this.paths.filter((p) => p !== path);
    await this.save();
    return this.list();
  }

  async clear(): Promise<void> {
    this.paths = [];
    await this.save();
  }

  private async save(): Promise<void> {
    await writeJsonFile(this.file, { version: 1, paths: this.paths }, 0o600);
  }
}

function dedupe(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}
