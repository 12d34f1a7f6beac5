// The main window's construction options. Every webPreferences entry of the security
// checklist is spelled out, including those whose default is already safe, so a change
// of default in a future Electron cannot weaken the window silently.

import type { BrowserWindowConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_SIZE, type Rect } from './state/window-bounds';

/**
 * The window's icon when the app runs from a checkout (`npm start`) on Linux or Windows: a
 * packaged app has its icon from its .desktop entry or executable (electron-builder), but
 * unpackaged the window would show Electron's. macOS takes the icon from the app bundle
 * (or the Dock), never from the window.
 */
export function checkoutWindowIcon(packaged: boolean, platform: NodeJS.Platform, appPath: string): string | undefined {
  if (packaged || platform === 'darwin') return undefined;
  const icon = join(appPath, 'build', 'icons', 'icon.png');
  return existsSync(icon) ? icon : undefined;
}

export interface MainWindowSpec {
  readonly bounds: Rect;
  readonly preload: string;
  readonly title: string;
  readonly dark: boolean;
  readonly dev: boolean;
  readonly icon?: string;
}

export function mainWindowOptions(spec: MainWindowSpec): BrowserWindowConstructorOptions {
  return {
    ...spec.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: spec.title,
    show: false, // shown on ready-to-show: no white flash before the first paint
    backgroundColor: spec.dark ? '#1e1f22' : '#ffffff',
    ...(spec.icon ? { icon: spec.icon } : {}),
    webPreferences: {
      preload: spec.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      plugins: false,
      navigateOnDragDrop: false, // a dropped file is read by the renderer's drop handler, never shown
      safeDialogs: true,
      spellcheck: false,
      devTools: spec.dev,
    },
  };
}
