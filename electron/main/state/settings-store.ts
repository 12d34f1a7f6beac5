// The user's settings (for now the theme), persisted in the user-data folder. The theme
// choice becomes nativeTheme.themeSource, which also switches native dialogs and menus and
// what the renderer's prefers-color-scheme media query reports.

import { z } from 'zod';
import type { Settings, ThemeSource } from '../../../shared/api/bridge';
import { readJsonFile, writeJsonFile } from '../fs/json-file';

/** The part of Electron's nativeTheme used here. */
export interface NativeThemeLike {
  themeSource: ThemeSource;
  readonly shouldUseDarkColors: boolean;
  on(event: 'updated', listener: () => void): unknown;
}

const settingsFileSchema = z.object({ version: z.literal(1), theme: z.enum(['system', 'light', 'dark']) });

export class SettingsStore {
  private theme: ThemeSource = 'system';
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(
    private readonly file: string,
    private readonly nativeTheme: NativeThemeLike,
  ) {
    // Fires when the OS switches light/dark and when themeSource changes.
    nativeTheme.on('updated', () => this.emit());
  }

  async load(): Promise<Settings> {
    const data = await readJsonFile(this.file, settingsFileSchema, 64 * 1024);
    this.theme = data?.theme ?? 'system';
    this.nativeTheme.themeSource = this.theme;
    const s = this.current();
    this.lastEmitted = `${s.theme}/${s.prefersDark}`;
    return s;
  }

  current(): Settings {
    return { theme: this.theme, prefersDark: this.nativeTheme.shouldUseDarkColors };
  }

  async setTheme(theme: ThemeSource): Promise<Settings> {
    this.theme = theme;
    this.nativeTheme.themeSource = theme;
    await writeJsonFile(this.file, { version: 1, theme }, 0o600);
    this.emit();
    return this.current();
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private lastEmitted = '';

  /** Tells listeners, once per actual change (setTheme and nativeTheme 'updated' both call). */
  private emit(): void {
    const s = this.current();
    const key = `${s.theme}/${s.prefersDark}`;
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    for (const l of this.listeners) l(s);
  }
}
