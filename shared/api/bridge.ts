// The only door between the user interface and the platform. The Electron preload
// exposes an object of this shape as `window.workbench` (contextBridge); the browser
// implementation (renderer/src/platform/browser-bridge.ts) provides the same for tests
// and a plain browser. Named functions only; every argument is validated on the main side.

import type { CommandId } from './commands';
import type { Workspace } from './workspace';
import type { SourceFile } from '../model/source';

export const BRIDGE_GLOBAL = 'workbench';

export interface OpenedFile extends SourceFile {
  /** What the user opened that this file came from (the file itself, a folder or a bundle). */
  readonly origin: string;
}

export interface OpenProblem {
  readonly path: string;
  readonly message: string;
}

export interface OpenResult {
  readonly files: readonly OpenedFile[];
  /** Unreadable files, refused bundle members...: shown, never fatal. */
  readonly problems: readonly OpenProblem[];
}

export type ThemeSource = 'system' | 'light' | 'dark';

export interface Settings {
  readonly theme: ThemeSource;
  readonly prefersDark: boolean;
}

export type ReportFormat = 'pdf' | 'html' | 'md' | 'json';

export interface ExportRequest {
  readonly format: ReportFormat;
  /** File name suggested in the save dialog. */
  readonly suggestedName: string;
  /** The report: print HTML for `pdf`/`html`, text for `md`/`json`. */
  readonly content: string;
}

/** The parts of a DOM `File` the bridge uses (shared/ has no DOM types; a File satisfies this). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface WorkbenchBridge {
  readonly platform: 'electron' | 'browser';
  /** File › Open / Open Folder: a dialog, then the chosen files read (folders and bundles expanded). */
  openDialog(kind: 'files' | 'folder'): Promise<OpenResult>;
  /** Files dropped on the window. */
  openDropped(files: readonly DroppedFile[]): Promise<OpenResult>;
  /** A path from the recent list (refused unless it is in the list). */
  openRecent(path: string): Promise<OpenResult>;
  recentFiles(): Promise<readonly string[]>;
  clearRecent(): Promise<void>;
  /** The built-in demo bug report. */
  loadDemo(): Promise<OpenResult>;
  /** Save (to the current workspace path, or ask) / Save As (always ask). Null when cancelled. */
  saveWorkspace(workspace: Workspace, mode: 'save' | 'save-as'): Promise<{ readonly path: string } | null>;
  /** Ask for a workspace file and read it; null when cancelled. Throws a readable Error on a bad file. */
  openWorkspace(): Promise<{ readonly path: string; readonly workspace: Workspace } | null>;
  /** Autosave of the session (debounced by the caller); restored at the next start. */
  autosave(workspace: Workspace): Promise<void>;
  restoreSession(): Promise<Workspace | null>;
  /** Writes a report chosen via a save dialog (PDF printed from `content` in a hidden window). */
  exportReport(request: ExportRequest): Promise<{ readonly path: string } | null>;
  getSettings(): Promise<Settings>;
  setTheme(theme: ThemeSource): Promise<Settings>;
  /** Menu and accelerator commands that run in the renderer. Returns an unsubscribe function. */
  onCommand(listener: (id: CommandId) => void): () => void;
  /** Files opened from outside: command line, OS `open-file`, second instance, Open Recent menu. */
  onOpened(listener: (result: OpenResult) => void): () => void;
  onSettingsChanged(listener: (settings: Settings) => void): () => void;
  /**
   * A workspace file opened from outside the window: double-click on a `.tdxws` (file
   * association), the command line, a second instance, Open Recent. Optional: a browser
   * has no such way in. A bad workspace file arrives through onOpened as a problem.
   */
  onWorkspaceOpened?(listener: (opened: OpenedWorkspace) => void): () => void;
}

export interface OpenedWorkspace {
  readonly path: string;
  readonly workspace: Workspace;
}
