// The WorkbenchBridge (shared/api/bridge.ts) over IPC, built from the three Electron
// functions the sandboxed preload has. Separate from index.ts so tests can build it with
// fakes. Events from main are buffered until the renderer subscribes: files given on the
// command line arrive right after the page loads, possibly before the UI has mounted.

import type { DroppedFile, OpenedWorkspace, OpenProblem, OpenResult, Settings, WorkbenchBridge } from '../../shared/api/bridge';
import { isCommandId, type CommandId } from '../../shared/api/commands';
import { EVENT, INVOKE, MAX_DROPPED_BLOB_BYTES, type DroppedPayload } from '../main/ipc/channels';

export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): void;
}

/** webUtils.getPathForFile: the disk path of a dropped File ('' when it has none). */
export type PathOfFile = (file: DroppedFile) => string;

/** "Error invoking remote method 'x': Error: message" -> "message". */
export function remoteMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^Error invoking remote method '[^']*': /, '').replace(/^(?:[A-Za-z]*Error): /, '');
}

class Channel<T> {
  private readonly listeners = new Set<(v: T) => void>();
  private backlog: T[] = [];

  push(v: T): void {
    if (this.listeners.size === 0) {
      if (this.backlog.length < 100) this.backlog.push(v);
      return;
    }
    for (const l of this.listeners) l(v);
  }

  subscribe(listener: (v: T) => void): () => void {
    this.listeners.add(listener);
    const waiting = this.backlog;
    this.backlog = [];
    for (const v of waiting) listener(v);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

export function createPreloadBridge(ipc: PreloadIpc, pathOfFile: PathOfFile): WorkbenchBridge {
  const call = async <T>(channel: string, ...args: unknown[]): Promise<T> => {
    try {
      return (await ipc.invoke(channel, ...args)) as T;
    } catch (e) {
      throw new Error(remoteMessage(e), { cause: e });
    }
  };

  const commands = new Channel<CommandId>();
  const opened = new Channel<OpenResult>();
  const workspaces = new Channel<OpenedWorkspace>();
  const settings = new Channel<Settings>();
  ipc.on(EVENT.command, (_e, id) => {
    if (isCommandId(id)) commands.push(id);
  });
  ipc.on(EVENT.opened, (_e, r) => opened.push(r as OpenResult));
  ipc.on(EVENT.workspaceOpened, (_e, w) => workspaces.push(w as OpenedWorkspace));
  ipc.on(EVENT.settingsChanged, (_e, s) => settings.push(s as Settings));

  return {
    platform: 'electron',
    openDialog: (kind) => call(INVOKE.openDialog, kind),
    async openDropped(files) {
      const payload: { paths: string[]; blobs: { name: string; bytes: Uint8Array }[] } = { paths: [], blobs: [] };
      const problems: OpenProblem[] = [];
      for (const f of files) {
        let path = '';
        try {
          path = pathOfFile(f);
        } catch {
          // Not a File from a drop (e.g. a test double): sent by content below.
        }
        if (path) payload.paths.push(path);
        else if (f.size > MAX_DROPPED_BLOB_BYTES) problems.push({ path: f.name, message: `${f.size} bytes is larger than the ${MAX_DROPPED_BLOB_BYTES}-byte input limit` });
        else payload.blobs.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
      }
      const r = await call<OpenResult>(INVOKE.openDropped, payload satisfies DroppedPayload);
      return problems.length ? { files: r.files, problems: [...problems, ...r.problems] } : r;
    },
    openRecent: (path) => call(INVOKE.openRecent, path),
    recentFiles: () => call(INVOKE.recentFiles),
    clearRecent: () => call(INVOKE.clearRecent),
    loadDemo: () => call(INVOKE.loadDemo),
    saveWorkspace: (workspace, mode) => call(INVOKE.saveWorkspace, workspace, mode),
    openWorkspace: () => call(INVOKE.openWorkspace),
    autosave: (workspace) => call(INVOKE.autosave, workspace),
    restoreSession: () => call(INVOKE.restoreSession),
    exportReport: (request) => call(INVOKE.exportReport, request),
    getSettings: () => call(INVOKE.getSettings),
    setTheme: (theme) => call(INVOKE.setTheme, theme),
    onCommand: (listener) => commands.subscribe(listener),
    onOpened: (listener) => opened.subscribe(listener),
    onWorkspaceOpened: (listener) => workspaces.subscribe(listener),
    onSettingsChanged: (listener) => settings.subscribe(listener),
  };
}
