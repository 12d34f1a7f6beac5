// IPC channel names between the preload (electron/preload) and the main process. One name
// per WorkbenchBridge function (shared/api/bridge.ts); invoke channels are answered by
// ipcMain.handle, event channels are sent by main to the window. Constants only: the
// sandboxed preload bundles this file.

export const INVOKE = {
  openDialog: 'workbench:open-dialog',
  openDropped: 'workbench:open-dropped',
  openRecent: 'workbench:open-recent',
  recentFiles: 'workbench:recent-files',
  clearRecent: 'workbench:clear-recent',
  loadDemo: 'workbench:load-demo',
  saveWorkspace: 'workbench:save-workspace',
  openWorkspace: 'workbench:open-workspace',
  autosave: 'workbench:autosave',
  restoreSession: 'workbench:restore-session',
  exportReport: 'workbench:export-report',
  getSettings: 'workbench:get-settings',
  setTheme: 'workbench:set-theme',
} as const;

export type InvokeName = keyof typeof INVOKE;

export const EVENT = {
  /** A CommandId chosen in the menu or by accelerator that the renderer performs. */
  command: 'workbench:command',
  /** An OpenResult of files opened from outside (argv, OS, second instance, menu). */
  opened: 'workbench:opened',
  /** Settings after a change (theme chosen, OS switched light/dark). */
  settingsChanged: 'workbench:settings-changed',
  /** An OpenedWorkspace: a .tdxws opened from outside (file association, argv, recent). */
  workspaceOpened: 'workbench:workspace-opened',
} as const;

/** What the preload sends for dropped files: disk paths, or the bytes of files that have none. */
export interface DroppedPayload {
  readonly paths: readonly string[];
  readonly blobs: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

/** Largest dropped file without a disk path that the preload forwards (as for files on disk). */
export const MAX_DROPPED_BLOB_BYTES = 64 * 1024 * 1024;
