import { describe, expect, it, vi } from 'vitest';
import type { DroppedFile, OpenResult, WorkbenchBridge } from '../../shared/api/bridge';
import { emptyWorkspace } from '../../shared/api/workspace';
import { EVENT, INVOKE } from '../main/ipc/channels';
import { createPreloadBridge, remoteMessage } from './bridge';

function fakeIpc(answer: (channel: string, args: unknown[]) => unknown = () => null) {
  const listeners = new Map<string, (e: unknown, p: unknown) => void>();
  const invoke = vi.fn(async (channel: string, ...args: unknown[]) => answer(channel, args));
  return { invoke, on: (c: string, l: (e: unknown, p: unknown) => void) => void listeners.set(c, l), listeners, emit: (c: string, p: unknown) => listeners.get(c)!(undefined, p) };
}

const file = (name: string, text: string): DroppedFile => ({ name, size: text.length, arrayBuffer: async () => new TextEncoder().encode(text).buffer });

describe('preload bridge', () => {
  it('has exactly the WorkbenchBridge members (named functions, nothing generic)', () => {
    const b = createPreloadBridge(fakeIpc(), () => '');
    const expected: (keyof WorkbenchBridge)[] = [
      'platform', 'openDialog', 'openDropped', 'openRecent', 'recentFiles', 'clearRecent', 'loadDemo', 'saveWorkspace', 'openWorkspace',
      'autosave', 'restoreSession', 'exportReport', 'getSettings', 'setTheme', 'onCommand', 'onOpened', 'onWorkspaceOpened', 'onSettingsChanged',
    ];
    expect(Object.keys(b).sort()).toEqual([...expected].sort());
    expect(b.platform).toBe('electron');
  });

  it('maps each function to its channel with its arguments', async () => {
    const ipc = fakeIpc();
    const b = createPreloadBridge(ipc, () => '');
    const ws = emptyWorkspace();
    await b.openDialog('folder');
    await b.saveWorkspace(ws, 'save-as');
    await b.setTheme('light');
    await b.exportReport({ format: 'md', suggestedName: 'r.md', content: '#' });
    expect(ipc.invoke.mock.calls).toEqual([
      [INVOKE.openDialog, 'folder'],
      [INVOKE.saveWorkspace, ws, 'save-as'],
      [INVOKE.setTheme, 'light'],
      [INVOKE.exportReport, { format: 'md', suggestedName: 'r.md', content: '#' }],
    ]);
  });

  it('sends dropped files by disk path when they have one, else by content; oversize ones become problems', async () => {
    const ipc = fakeIpc((_c, [payload]) => ({ files: [], problems: [], payload }));
    const b = createPreloadBridge(ipc, (f) => (f.name === 'host.txt' ? '/cases/host.txt' : ''));
    const huge: DroppedFile = { name: 'huge.log', size: 65 * 1024 * 1024, arrayBuffer: async () => new ArrayBuffer(0) };
    const r = (await b.openDropped([file('host.txt', 'x'), file('pasted.txt', 'abc'), huge])) as OpenResult & { payload?: unknown };
    expect(ipc.invoke).toHaveBeenCalledWith(INVOKE.openDropped, { paths: ['/cases/host.txt'], blobs: [{ name: 'pasted.txt', bytes: new TextEncoder().encode('abc') }] });
    expect(r.problems).toEqual([{ path: 'huge.log', message: expect.stringMatching(/larger than/) }]);
  });

  it('turns remote errors into the main process message', async () => {
    const ipc = fakeIpc(() => {
      throw new Error("Error invoking remote method 'workbench:open-workspace': WorkspaceFileError: /a.tdxws: damaged workspace at inputs.0");
    });
    const b = createPreloadBridge(ipc, () => '');
    await expect(b.openWorkspace()).rejects.toThrow(/^\/a\.tdxws: damaged workspace at inputs\.0$/);
    expect(remoteMessage(new Error("Error invoking remote method 'x': Error: refused: not the top-level frame"))).toBe('refused: not the top-level frame');
  });

  it('buffers events until the renderer subscribes, then delivers in order; drops unknown command ids', () => {
    const ipc = fakeIpc();
    const b = createPreloadBridge(ipc, () => '');
    const r1 = { files: [], problems: [{ path: 'a', message: 'm' }] };
    ipc.emit(EVENT.opened, r1);
    ipc.emit(EVENT.command, 'view.grid');
    ipc.emit(EVENT.command, 'rm -rf');
    const opened: unknown[] = [];
    const commands: unknown[] = [];
    b.onOpened((r) => opened.push(r));
    const off = b.onCommand((id) => commands.push(id));
    expect(opened).toEqual([r1]);
    expect(commands).toEqual(['view.grid']);
    ipc.emit(EVENT.command, 'palette.open');
    off();
    ipc.emit(EVENT.command, 'view.sources');
    expect(commands).toEqual(['view.grid', 'palette.open']);
  });
});
