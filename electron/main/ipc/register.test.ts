import { describe, expect, it, vi } from 'vitest';
import { emptyWorkspace } from '../../../shared/api/workspace';
import { INVOKE } from './channels';
import { registerIpcHandlers, type IpcMainLike, type WorkbenchServices } from './register';
import { originOf, senderRefusal, type FrameLike, type IpcEventLike } from './sender';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

function fakeIpcMain(): IpcMainLike & { handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  return { handlers, handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
}

function frame(url: string, parent: FrameLike | null = null, routingId = 1): FrameLike {
  return { url, parent, processId: 7, routingId };
}

const WINDOW_ID = 3;
const mainFrame = frame('app://workbench/index.html');
const fromMainFrame: IpcEventLike = { sender: { id: WINDOW_ID, mainFrame }, senderFrame: mainFrame };
const policy = { trustedWebContentsId: () => WINDOW_ID, allowedOrigins: ['app://workbench'] };

function services(): WorkbenchServices & Record<string, ReturnType<typeof vi.fn>> {
  const ok = { files: [], problems: [] };
  return {
    openDialog: vi.fn(async () => ok),
    openDropped: vi.fn(async () => ok),
    openRecent: vi.fn(async () => ok),
    recentFiles: vi.fn(async () => []),
    clearRecent: vi.fn(async () => undefined),
    loadDemo: vi.fn(async () => ok),
    saveWorkspace: vi.fn(async () => null),
    openWorkspace: vi.fn(async () => null),
    autosave: vi.fn(async () => undefined),
    restoreSession: vi.fn(async () => null),
    exportReport: vi.fn(async () => null),
    getSettings: vi.fn(async () => ({ theme: 'system' as const, prefersDark: false })),
    setTheme: vi.fn(async () => ({ theme: 'dark' as const, prefersDark: true })),
  };
}

function setup() {
  const ipc = fakeIpcMain();
  const svc = services();
  const log = vi.fn();
  const unregister = registerIpcHandlers(ipc, policy, svc, log);
  const call = (channel: string, event: IpcEventLike, ...args: unknown[]) => Promise.resolve(ipc.handlers.get(channel)!(event, ...args));
  return { ipc, svc, log, call, unregister };
}

describe('IPC sender check', () => {
  it('accepts the top-level frame of the workbench window at app://workbench', async () => {
    const { svc, call } = setup();
    await expect(call(INVOKE.openDialog, fromMainFrame, 'files')).resolves.toEqual({ files: [], problems: [] });
    expect(svc.openDialog).toHaveBeenCalledWith('files');
  });

  it('refuses a sub-frame of our own window, even one at our origin', async () => {
    const { svc, call, log } = setup();
    const sub = frame('app://workbench/index.html', mainFrame, 2);
    await expect(call(INVOKE.openDialog, { sender: { id: WINDOW_ID, mainFrame }, senderFrame: sub }, 'files')).rejects.toThrow(/top-level frame/);
    expect(svc.openDialog).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('refused'));
  });

  it('refuses a foreign origin in the main frame (http, file, another app:// host)', async () => {
    const { svc, call } = setup();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://print/x.html', 'http://localhost:5173/', 'data:text/html,hi']) {
      const f = frame(url);
      await expect(call(INVOKE.recentFiles, { sender: { id: WINDOW_ID, mainFrame: f }, senderFrame: f })).rejects.toThrow(/refused/);
    }
    expect(svc.recentFiles).not.toHaveBeenCalled();
  });

  it('refuses another webContents, a destroyed frame, and calls while there is no window', async () => {
    const { call } = setup();
    await expect(call(INVOKE.getSettings, { sender: { id: 99, mainFrame }, senderFrame: mainFrame })).rejects.toThrow(/not the workbench window/);
    await expect(call(INVOKE.getSettings, { sender: { id: WINDOW_ID, mainFrame }, senderFrame: null })).rejects.toThrow(/frame is gone/);
    const none = { trustedWebContentsId: () => undefined, allowedOrigins: ['app://workbench'] };
    expect(senderRefusal(fromMainFrame, none)).toMatch(/not the workbench window/);
  });

  it('accepts the dev server origin only when the policy lists it', () => {
    const f = frame('http://localhost:5173/index.html');
    const e = { sender: { id: WINDOW_ID, mainFrame: f }, senderFrame: f };
    expect(senderRefusal(e, policy)).toMatch(/origin http:\/\/localhost:5173/);
    expect(senderRefusal(e, { ...policy, allowedOrigins: ['app://workbench', 'http://localhost:5173'] })).toBeNull();
  });

  it('computes origins of custom schemes (Node says "null" for them)', () => {
    expect(originOf('app://workbench/a/b.html?x#y')).toBe('app://workbench');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('about:blank')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });
});

describe('IPC argument validation', () => {
  const refused = async (channel: string, ...args: unknown[]) => {
    const { svc, call } = setup();
    await expect(call(channel, fromMainFrame, ...args)).rejects.toThrow(/invalid arguments/);
    for (const f of Object.values(svc)) expect(f).not.toHaveBeenCalled();
  };

  it('refuses unknown enum values, wrong types, missing and extra arguments', async () => {
    await refused(INVOKE.openDialog, 'everything');
    await refused(INVOKE.openDialog);
    await refused(INVOKE.openDialog, 'files', 'extra');
    await refused(INVOKE.setTheme, 'purple');
    await refused(INVOKE.recentFiles, 'unexpected');
    await refused(INVOKE.openRecent, 42);
    await refused(INVOKE.openRecent, '/etc/passwd\0.txt');
    await refused(INVOKE.openRecent, 'x'.repeat(5000));
  });

  it('refuses a workspace that does not match the schema, and a bad save mode', async () => {
    await refused(INVOKE.autosave, { schema: 'something-else', inputs: [], context: {}, view: {} });
    await refused(INVOKE.autosave, { ...emptyWorkspace(), inputs: [{ path: 'a', sha256: 'nothex', size: 1, text: '' }] });
    await refused(INVOKE.saveWorkspace, emptyWorkspace(), 'overwrite-anything');
  });

  it('refuses malformed export requests and dropped payloads', async () => {
    await refused(INVOKE.exportReport, { format: 'exe', suggestedName: 'a', content: '' });
    await refused(INVOKE.exportReport, { format: 'pdf', suggestedName: '', content: '' });
    await refused(INVOKE.exportReport, { format: 'pdf', suggestedName: 'a', content: '', extra: true });
    await refused(INVOKE.openDropped, { paths: ['/a'], blobs: [{ name: 'x', bytes: 'not bytes' }] });
    await refused(INVOKE.openDropped, { paths: [7], blobs: [] });
    await refused(INVOKE.openDropped, ['/a']);
  });

  it('passes validated arguments through unchanged', async () => {
    const { svc, call } = setup();
    const ws = { ...emptyWorkspace(), context: { module: '1.5.06' }, view: { view: 'grid', custom: 1 } };
    await call(INVOKE.saveWorkspace, fromMainFrame, ws, 'save-as');
    expect(svc.saveWorkspace).toHaveBeenCalledWith(ws, 'save-as');
    const bytes = new Uint8Array([65, 10]);
    await call(INVOKE.openDropped, fromMainFrame, { paths: ['/tmp/a.txt'], blobs: [{ name: 'b.txt', bytes }] });
    expect(svc.openDropped).toHaveBeenCalledWith({ paths: ['/tmp/a.txt'], blobs: [{ name: 'b.txt', bytes }] });
    await call(INVOKE.setTheme, fromMainFrame, 'dark');
    expect(svc.setTheme).toHaveBeenCalledWith('dark');
  });

  it('registers exactly one handler per bridge channel, and removes them all', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(INVOKE).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});
