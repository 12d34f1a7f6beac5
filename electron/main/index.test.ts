// The main entry wired to a mocked Electron: what happens before 'ready', the window it
// creates, the IPC handlers it registers, and files arriving from a second instance.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT, INVOKE } from './ipc/channels';

type Fn = (...args: never[]) => unknown;

const m = vi.hoisted(() => {
  const state = {
    lock: true,
    userData: '',
    appEvents: new Map<string, Fn>(),
    calls: [] as string[],
    privileged: [] as unknown[],
    windows: [] as {
      options: { webPreferences?: Record<string, unknown>; icon?: string };
      loaded: string | null;
      sent: { channel: string; payload: unknown }[];
      wcEvents: Map<string, Fn>;
      mainFrame: { url: string; parent: null; processId: number; routingId: number };
      id: number;
    }[],
    ipcHandlers: new Map<string, Fn>(),
    protocolHandler: null as Fn | null,
    menus: 0,
    userDataSwitch: '',
    ready: null as null | (() => void),
  };
  return state;
});

vi.mock('electron', () => {
  let nextId = 1;
  class BrowserWindow {
    webContents: Record<string, unknown>;
    private rec: (typeof m.windows)[number];
    constructor(options: (typeof m.windows)[number]['options']) {
      const id = nextId++;
      const rec = { options, loaded: null as string | null, sent: [] as { channel: string; payload: unknown }[], wcEvents: new Map<string, Fn>(), mainFrame: { url: 'app://workbench/index.html', parent: null, processId: 1, routingId: 1 }, id };
      this.rec = rec;
      m.windows.push(rec);
      this.webContents = {
        id,
        mainFrame: rec.mainFrame,
        on: (e: string, f: Fn) => rec.wcEvents.set(e, f),
        send: (channel: string, payload: unknown) => rec.sent.push({ channel, payload }),
      };
    }
    once(): void {}
    on(): void {}
    loadURL(url: string): Promise<void> {
      this.rec.loaded = url;
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    focus(): void {}
  }
  const app = {
    isPackaged: false,
    getAppPath: () => process.cwd(),
    requestSingleInstanceLock: () => (m.calls.push('requestSingleInstanceLock'), m.lock),
    quit: () => m.calls.push('quit'),
    exit: () => m.calls.push('exit'),
    enableSandbox: () => m.calls.push('enableSandbox'),
    setName: () => undefined,
    setAppUserModelId: () => undefined,
    on: (e: string, f: Fn) => m.appEvents.set(e, f),
    whenReady: () => new Promise<void>((resolve) => (m.ready = resolve)),
    isReady: () => m.ready === null,
    getPath: (name: string) => join(m.userData, name),
    setPath: (name: string, value: string) => m.calls.push(`setPath ${name} ${value}`),
    commandLine: { getSwitchValue: (name: string) => (name === 'user-data-dir' ? m.userDataSwitch : '') },
    addRecentDocument: () => undefined,
    clearRecentDocuments: () => undefined,
  };
  const session = {
    defaultSession: {
      protocol: { handle: (_s: string, f: Fn) => (m.protocolHandler = f) },
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
      setDevicePermissionHandler: () => undefined,
      webRequest: { onBeforeRequest: () => undefined, onHeadersReceived: () => undefined },
      on: () => undefined,
    },
  };
  return {
    app,
    BrowserWindow,
    session,
    protocol: { registerSchemesAsPrivileged: (s: unknown[]) => (m.calls.push('registerSchemesAsPrivileged'), m.privileged.push(...s)) },
    ipcMain: { handle: (c: string, f: Fn) => m.ipcHandlers.set(c, f), removeHandler: (c: string) => m.ipcHandlers.delete(c) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => (m.menus += 1) },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showErrorBox: vi.fn() },
    nativeTheme: { themeSource: 'system', shouldUseDarkColors: false, on: () => undefined },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
    },
  };
});

let dir: string;
const argv = process.argv;

beforeEach(() => {
  vi.resetModules();
  dir = mkdtempSync(join(tmpdir(), 'main-'));
  m.userData = dir;
  m.lock = true;
  m.appEvents.clear();
  m.calls.length = 0;
  m.privileged.length = 0;
  m.windows.length = 0;
  m.ipcHandlers.clear();
  m.ready = null;
  m.userDataSwitch = '';
  process.argv = ['/opt/wb/tdx-cpuid-workbench'];
});
afterEach(() => {
  process.argv = argv;
  rmSync(dir, { recursive: true, force: true });
});

async function startMain(): Promise<void> {
  await import('./index');
  const ready = m.ready as (() => void) | null;
  m.ready = null;
  ready?.();
  await vi.waitFor(() => expect(m.windows.length).toBe(1));
}

describe('main process entry', () => {
  it('before ready: registers app:// as a privileged standard secure scheme (with V8 code cache) and enables the sandbox', async () => {
    await import('./index');
    expect(m.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true, codeCache: true }) }]);
    expect(m.privileged[0]).not.toMatchObject({ privileges: { bypassCSP: true } });
    expect(m.calls.slice(0, 3)).toEqual(['registerSchemesAsPrivileged', 'enableSandbox', 'requestSingleInstanceLock']);
    expect(m.calls.some((c) => c.startsWith('setPath'))).toBe(false);
    expect(m.appEvents.has('web-contents-created')).toBe(true);
  });

  it('--user-data-dir moves the state files, before the single-instance lock is taken', async () => {
    m.userDataSwitch = '/tmp/profile-2';
    await import('./index');
    expect(m.calls.indexOf('setPath userData /tmp/profile-2')).toBeGreaterThan(-1);
    expect(m.calls.indexOf('setPath userData /tmp/profile-2')).toBeLessThan(m.calls.indexOf('requestSingleInstanceLock'));
  });

  it('a second instance quits at once, leaving the files to the first', async () => {
    m.lock = false;
    await import('./index');
    expect(m.calls).toContain('quit');
    expect(m.appEvents.has('second-instance')).toBe(false);
  });

  it('opens one secure window on app://workbench and registers every bridge channel', async () => {
    await startMain();
    const w = m.windows[0];
    expect(w.loaded).toBe('app://workbench/index.html');
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(w.options.webPreferences?.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    // Run from the checkout (not packaged) on Linux: the window has the app's icon, not Electron's.
    expect(w.options.icon).toBe(join(process.cwd(), 'build', 'icons', 'icon.png'));
    expect([...m.ipcHandlers.keys()].sort()).toEqual(Object.values(INVOKE).sort());
    expect(m.menus).toBeGreaterThan(0);
    const served = (await m.protocolHandler!(new Request('app://workbench/%2e%2e%2fpackage.json') as never)) as Response;
    expect(served.status).toBe(403);
  });

  it('IPC from the window main frame is served; from a sub-frame it is refused', async () => {
    await startMain();
    const w = m.windows[0];
    const handler = m.ipcHandlers.get(INVOKE.getSettings)! as (e: unknown) => Promise<unknown>;
    await expect(handler({ sender: { id: w.id, mainFrame: w.mainFrame }, senderFrame: w.mainFrame })).resolves.toEqual({ theme: 'system', prefersDark: false });
    const sub = { url: 'app://workbench/index.html', parent: w.mainFrame, processId: 1, routingId: 2 };
    await expect(handler({ sender: { id: w.id, mainFrame: w.mainFrame }, senderFrame: sub })).rejects.toThrow(/refused/);
  });

  it('files from a second instance reach the window once it has loaded', async () => {
    await startMain();
    const w = m.windows[0];
    writeFileSync(join(dir, 'host.txt'), 'CPU 0:\n');
    (m.appEvents.get('second-instance') as (e: unknown, argv: string[], cwd: string) => void)({}, ['/opt/wb/tdx-cpuid-workbench', '--original-process-start-time=1', 'host.txt'], dir);
    expect(w.sent).toEqual([]); // not loaded yet: queued
    (w.wcEvents.get('did-finish-load') as () => void)();
    await vi.waitFor(() => expect(w.sent.some((s) => s.channel === EVENT.opened)).toBe(true));
    const opened = w.sent.find((s) => s.channel === EVENT.opened)!.payload as { files: { path: string; text: string }[] };
    expect(opened.files.map((f) => [f.path, f.text])).toEqual([[join(dir, 'host.txt'), 'CPU 0:\n']]);
  });
});
