// What the main process does for the window, as plain code over a small platform
// interface (dialogs, OS recent documents, sending to the window), so all of it is unit
// tested without Electron. index.ts supplies the Electron platform; ipc/register.ts calls
// these functions after checking the sender and the arguments.

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { OpenedWorkspace, OpenProblem, OpenResult, Settings, ThemeSource } from '../../shared/api/bridge';
import type { CommandId } from '../../shared/api/commands';
import { WORKSPACE_EXTENSION, type Workspace } from '../../shared/api/workspace';
import { writeFileAtomic } from './fs/atomic-write';
import { EVENT, type DroppedPayload } from './ipc/channels';
import type { WorkbenchServices } from './ipc/register';
import { loadDemo } from './open/demo';
import { PathGrants, type GrantKind } from './open/path-grants';
import { InputReader, openDroppedBytes, type PathOpener } from './open/read-inputs';
import { exportReport } from './report/export-report';
import { RecentList } from './state/recent-list';
import { SettingsStore, type NativeThemeLike } from './state/settings-store';
import { readWorkspaceFile, withWorkspaceExtension, WorkspaceFileError, writeWorkspaceFile } from './state/workspace-file';

export interface OpenDialogOptions {
  title: string;
  defaultPath?: string;
  properties: ('openFile' | 'openDirectory' | 'multiSelections')[];
  filters?: { name: string; extensions: string[] }[];
}
export interface SaveDialogOptions {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}

/** Everything the workbench needs from Electron (and tests fake). */
export interface ShellPlatform {
  readonly userDataFolder: string;
  readonly documentsFolder: string;
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  /** app.addRecentDocument / app.clearRecentDocuments: the OS's own recent list. */
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  /** webContents.send to the main window (dropped when there is none). */
  send(channel: string, payload: unknown): void;
  printPdf(html: string): Promise<Uint8Array>;
  readonly nativeTheme: NativeThemeLike;
  /** Called when the recent list changed (the menu is rebuilt). */
  recentChanged(paths: readonly string[]): void;
  /** Opens a granted path (default: electron/bundle's openPath: files, folders, bundles). */
  readonly opener?: PathOpener;
}

const WORKSPACE_FILTER = { name: 'TDX CPUID workspace', extensions: [WORKSPACE_EXTENSION] };
const SESSION_FILE = `session.${WORKSPACE_EXTENSION}`;

export function isWorkspacePath(path: string): boolean {
  return path.toLowerCase().endsWith(`.${WORKSPACE_EXTENSION}`);
}

async function kindOf(path: string): Promise<GrantKind | null> {
  try {
    const st = await fsp.stat(path);
    return st.isDirectory() ? 'folder' : st.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

export class Workbench {
  readonly grants = new PathGrants();
  readonly recent: RecentList;
  readonly settings: SettingsStore;
  private readonly reader: InputReader;
  private workspacePath: string | null = null;
  private exportFolder: string | null = null;
  private autosaveChain: Promise<void> = Promise.resolve();

  constructor(private readonly platform: ShellPlatform) {
    this.recent = new RecentList(join(platform.userDataFolder, 'recent.json'));
    this.settings = new SettingsStore(join(platform.userDataFolder, 'settings.json'), platform.nativeTheme);
    this.reader = new InputReader(this.grants, platform.opener);
    this.settings.onChange((s) => platform.send(EVENT.settingsChanged, s));
  }

  /** Loads persisted state; the recent list's entries are granted (the user chose them before). */
  async start(): Promise<void> {
    await fsp.mkdir(this.platform.userDataFolder, { recursive: true });
    await this.settings.load();
    for (const p of await this.recent.load()) {
      const kind = await kindOf(p);
      if (kind) this.grants.grant(p, kind);
    }
    this.platform.recentChanged(this.recent.list());
  }

  get currentWorkspacePath(): string | null {
    return this.workspacePath;
  }

  /** The renderer closed its inputs (menu Close All Inputs): the next Save asks again. */
  forgetWorkspacePath(): void {
    this.workspacePath = null;
  }

  /** Adds to the recent lists; a failure to save the list never loses what was opened. */
  private async remember(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    try {
      for (const p of paths) this.platform.addRecentDocument(p);
      this.platform.recentChanged(await this.recent.add(paths));
    } catch (e) {
      console.warn(`[workbench] recent list not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Grants what the user handed over (dialog, drop, argv, OS) and returns what exists. */
  private async grantAll(paths: readonly string[]): Promise<{ granted: string[]; problems: OpenProblem[] }> {
    const granted: string[] = [];
    const problems: OpenProblem[] = [];
    for (const p of paths) {
      const kind = await kindOf(p);
      if (!kind) {
        problems.push({ path: p, message: 'does not exist or is not a file or folder' });
        continue;
      }
      this.grants.grant(p, kind);
      granted.push(p);
    }
    return { granted, problems };
  }

  /** Granted paths read as inputs; workspace files among them are opened as workspaces. */
  private async openGranted(paths: readonly string[], problems: OpenProblem[] = []): Promise<OpenResult> {
    const inputs = paths.filter((p) => !isWorkspacePath(p));
    for (const p of paths.filter(isWorkspacePath)) {
      try {
        this.openedWorkspace(p, await readWorkspaceFile(p));
      } catch (e) {
        problems.push({ path: p, message: e instanceof Error ? e.message : String(e) });
      }
    }
    const r = await this.reader.open(inputs);
    await this.remember(paths.filter((p) => !r.problems.some((x) => x.path === p)));
    return { files: r.files, problems: [...problems, ...r.problems] };
  }

  private openedWorkspace(path: string, workspace: Workspace): void {
    this.workspacePath = path;
    const opened: OpenedWorkspace = { path, workspace };
    this.platform.send(EVENT.workspaceOpened, opened);
  }

  /** Paths from the command line, the OS (open-file) or a second instance. */
  async openFromOutside(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    const { granted, problems } = await this.grantAll(paths);
    const result = await this.openGranted(granted, problems);
    if (result.files.length || result.problems.length) this.platform.send(EVENT.opened, result);
  }

  /** The `runsIn: 'main'` commands of the registry (menu, accelerators). */
  async runMainCommand(id: CommandId): Promise<void> {
    switch (id) {
      case 'file.open':
      case 'file.openFolder': {
        const r = await this.services.openDialog(id === 'file.open' ? 'files' : 'folder');
        if (r.files.length || r.problems.length) this.platform.send(EVENT.opened, r);
        return;
      }
      case 'file.clearRecent':
        await this.services.clearRecent();
        return;
      default:
        throw new Error(`${id} is not a main-process command`);
    }
  }

  /** Opens one entry of the recent list (menu or renderer). */
  async openRecentPath(path: string): Promise<OpenResult> {
    if (!this.recent.has(path) || !this.grants.allows(path)) {
      return { files: [], problems: [{ path, message: 'is not in the recent list (refused)' }] };
    }
    if ((await kindOf(path)) === null) {
      this.platform.recentChanged(await this.recent.remove(path));
      return { files: [], problems: [{ path, message: 'no longer exists; removed from the recent list' }] };
    }
    return this.openGranted([path]);
  }

  readonly services: WorkbenchServices = {
    openDialog: async (kind) => {
      const choice = await this.platform.showOpenDialog(
        kind === 'folder'
          ? { title: 'Open Folder', properties: ['openDirectory'] }
          : { title: 'Open Files', properties: ['openFile', 'multiSelections'], filters: [{ name: 'All files', extensions: ['*'] }] },
      );
      if (choice.canceled || choice.filePaths.length === 0) return { files: [], problems: [] };
      const { granted, problems } = await this.grantAll(choice.filePaths);
      return this.openGranted(granted, problems);
    },

    openDropped: async (payload: DroppedPayload) => {
      const { granted, problems } = await this.grantAll(payload.paths);
      const r = await this.openGranted(granted, problems);
      const files = [...r.files];
      const more: OpenProblem[] = [];
      for (const b of payload.blobs) {
        const d = await openDroppedBytes(b.name, b.bytes);
        files.push(...d.files);
        more.push(...d.problems);
      }
      return { files, problems: [...r.problems, ...more] };
    },

    openRecent: (path) => this.openRecentPath(path),

    recentFiles: async () => this.recent.list(),

    clearRecent: async () => {
      await this.recent.clear();
      this.platform.clearRecentDocuments();
      this.platform.recentChanged([]);
    },

    loadDemo: () => loadDemo(),

    saveWorkspace: async (workspace, mode) => {
      let path = mode === 'save' ? this.workspacePath : null;
      if (!path) {
        const choice = await this.platform.showSaveDialog({
          title: 'Save Workspace',
          defaultPath: this.workspacePath ?? join(this.platform.documentsFolder, `workspace.${WORKSPACE_EXTENSION}`),
          filters: [WORKSPACE_FILTER],
        });
        if (choice.canceled || !choice.filePath) return null;
        path = withWorkspaceExtension(choice.filePath);
      }
      await writeWorkspaceFile(path, workspace);
      this.workspacePath = path;
      this.grants.grant(path, 'file');
      this.platform.addRecentDocument(path);
      return { path };
    },

    openWorkspace: async () => {
      const choice = await this.platform.showOpenDialog({
        title: 'Open Workspace',
        defaultPath: this.workspacePath ?? this.platform.documentsFolder,
        properties: ['openFile'],
        filters: [WORKSPACE_FILTER, { name: 'All files', extensions: ['*'] }],
      });
      if (choice.canceled || choice.filePaths.length === 0) return null;
      const path = choice.filePaths[0];
      this.grants.grant(path, 'file');
      const workspace = await readWorkspaceFile(path); // throws a readable WorkspaceFileError
      this.workspacePath = path;
      this.platform.addRecentDocument(path);
      return { path, workspace };
    },

    autosave: (workspace) => {
      // One write at a time, in call order: the last autosave is the one on disk.
      const next = this.autosaveChain.then(() => writeWorkspaceFile(join(this.platform.userDataFolder, SESSION_FILE), workspace));
      this.autosaveChain = next.catch(() => undefined);
      return next;
    },

    restoreSession: async () => {
      try {
        return await readWorkspaceFile(join(this.platform.userDataFolder, SESSION_FILE));
      } catch (e) {
        // No session yet, or one a newer/older build cannot read: start fresh.
        if (!(e instanceof WorkspaceFileError)) throw e;
        return null;
      }
    },

    exportReport: (request) =>
      exportReport(request, {
        showSaveDialog: (o) => this.platform.showSaveDialog(o),
        printPdf: (html) => this.platform.printPdf(html),
        writeAtomic: (p, d) => writeFileAtomic(p, d),
        defaultFolder: () => this.exportFolder ?? this.platform.documentsFolder,
        rememberFolder: (f) => (this.exportFolder = f),
      }),

    getSettings: async (): Promise<Settings> => this.settings.current(),

    setTheme: (theme: ThemeSource) => this.settings.setTheme(theme),
  };
}
