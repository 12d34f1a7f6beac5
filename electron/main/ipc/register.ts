// Registers one ipcMain.handle per invoke channel. Every call passes two gates before the
// service runs: the sender check (ipc/sender.ts) and the argument schema (ipc/schemas.ts).
// A refused call rejects with a short message and is logged; it never reaches a service.

import type { z } from 'zod';
import type { ExportRequest, OpenedWorkspace, OpenResult, Settings, ThemeSource } from '../../../shared/api/bridge';
import type { Workspace } from '../../../shared/api/workspace';
import { INVOKE, type DroppedPayload, type InvokeName } from './channels';
import { INVOKE_ARGS, type InvokeArgs } from './schemas';
import { senderRefusal, type IpcEventLike, type SenderPolicy } from './sender';

/** The part of Electron's ipcMain used here (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** One function per invoke channel, taking the validated arguments (same names as WorkbenchBridge). */
export interface WorkbenchServices {
  openDialog(kind: 'files' | 'folder'): Promise<OpenResult>;
  openDropped(payload: DroppedPayload): Promise<OpenResult>;
  openRecent(path: string): Promise<OpenResult>;
  recentFiles(): Promise<readonly string[]>;
  clearRecent(): Promise<void>;
  loadDemo(): Promise<OpenResult>;
  saveWorkspace(workspace: Workspace, mode: 'save' | 'save-as'): Promise<{ readonly path: string } | null>;
  openWorkspace(): Promise<OpenedWorkspace | null>;
  autosave(workspace: Workspace): Promise<void>;
  restoreSession(): Promise<Workspace | null>;
  exportReport(request: ExportRequest): Promise<{ readonly path: string } | null>;
  getSettings(): Promise<Settings>;
  setTheme(theme: ThemeSource): Promise<Settings>;
}

// Compile-time check: each service accepts exactly what its channel's schema lets through.
type Accepts<K extends InvokeName> = InvokeArgs<K> extends Parameters<WorkbenchServices[K]> ? true : never;
const _schemasFitServices: { [K in InvokeName]: Accepts<K> } = {
  openDialog: true,
  openDropped: true,
  openRecent: true,
  recentFiles: true,
  clearRecent: true,
  loadDemo: true,
  saveWorkspace: true,
  openWorkspace: true,
  autosave: true,
  restoreSession: true,
  exportReport: true,
  getSettings: true,
  setTheme: true,
};

export class IpcRefusal extends Error {
  override readonly name = 'IpcRefusal';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`)
    .join('; ');
}

export function registerIpcHandlers(ipcMain: IpcMainLike, policy: SenderPolicy, services: WorkbenchServices, log: (msg: string) => void = console.warn): () => void {
  const names = Object.keys(INVOKE) as InvokeName[];
  for (const name of names) {
    const channel = INVOKE[name];
    const schema: z.ZodType<unknown[]> = INVOKE_ARGS[name];
    const run = services[name] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(channel, async (event, ...args) => {
      const refusal = senderRefusal(event, policy);
      if (refusal) {
        log(`IPC ${channel} refused: ${refusal}`);
        throw new IpcRefusal(`refused: ${refusal}`);
      }
      const parsed = schema.safeParse(args);
      if (!parsed.success) {
        const why = describeIssues(parsed.error);
        log(`IPC ${channel} refused: invalid arguments (${why})`);
        throw new IpcRefusal(`invalid arguments: ${why}`);
      }
      return run(...parsed.data);
    });
  }
  return () => names.forEach((n) => ipcMain.removeHandler(INVOKE[n]));
}
