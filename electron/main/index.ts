// The Electron main process: window lifecycle, the app:// protocol, the menu, and the
// ways files come in (argv, second instance, macOS open-file). The logic lives in plain
// modules beside this file (tested with Electron mocked); this file only wires them to
// Electron's objects and events.

import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session } from 'electron';
import { join } from 'node:path';
import { commandById, type CommandId } from '../../shared/api/commands';
import { writeFileAtomicSync } from './fs/atomic-write-sync';
import { readJsonFile } from './fs/json-file';
import { EVENT } from './ipc/channels';
import { registerIpcHandlers } from './ipc/register';
import { originOf } from './ipc/sender';
import { buildMenuTemplate } from './menu';
import { inputPathsFromArgv } from './open/argv';
import { printHtmlToPdf } from './report/print-pdf';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, handleAppRequest } from './security/app-protocol';
import { appCsp } from './security/csp';
import { hardenSession, hardenWebContents } from './security/harden';
import { appOrigins, type LoadPolicy } from './security/policy';
import { fitWindowBounds, windowStateSchema, type WindowState } from './state/window-bounds';
import { checkoutWindowIcon, mainWindowOptions } from './window-options';
import { Workbench } from './workbench';

const APP_NAME = 'TDX CPUID Workbench';
/** The Vite dev server (`npm run dev` sets it); never honoured in a packaged app. */
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const policy: LoadPolicy = { devServerOrigin: devUrl ? (originOf(devUrl) ?? undefined) : undefined };
const dev = devUrl !== undefined;
const here = import.meta.dirname;
const rendererRoot = join(here, '../renderer');
const preloadPath = join(here, '../preload/index.cjs');

// Before 'ready': the scheme's privileges and the sandbox for every renderer.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();
app.setName(APP_NAME);
// `--user-data-dir=<folder>` (Chromium's switch) moves our state files too, so tests and
// side-by-side profiles do not share the recent list, settings or the autosaved session.
// Set before the single-instance lock, which lives in that folder.
const userDataDir = app.commandLine.getSwitchValue('user-data-dir');
if (userDataDir) app.setPath('userData', userDataDir);

let mainWindow: BrowserWindow | null = null;
let workbench: Workbench | null = null;
/** Paths that arrived before the window could take them (argv, early open-file). */
const pending: string[] = [];
let windowLoaded = false;

function log(msg: string): void {
  console.warn(`[workbench] ${msg}`);
}

function send(channel: string, payload: unknown): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, payload);
}

function openFromOutside(paths: readonly string[]): void {
  if (paths.length === 0) return;
  if (!workbench || !windowLoaded) {
    pending.push(...paths);
    return;
  }
  workbench.openFromOutside(paths).catch((e: unknown) => log(`opening ${paths.join(', ')} failed: ${String(e)}`));
}

function runCommand(id: CommandId): void {
  if (!mainWindow) createWindow();
  if (commandById(id).runsIn === 'main') {
    workbench?.runMainCommand(id).catch((e: unknown) => log(`${id} failed: ${String(e)}`));
    return;
  }
  if (id === 'workspace.close') workbench?.forgetWorkspacePath();
  send(EVENT.command, id);
}

function setMenu(recent: readonly string[]): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    appName: APP_NAME,
    recent,
    dev,
    run: runCommand,
    openRecent: (path) => {
      workbench
        ?.openRecentPath(path)
        .then((r) => (r.files.length || r.problems.length) && send(EVENT.opened, r))
        .catch((e: unknown) => log(`opening recent ${path} failed: ${String(e)}`));
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

const windowStateFile = (): string => join(app.getPath('userData'), 'window-state.json');

function saveWindowState(win: BrowserWindow): void {
  const b = win.getNormalBounds();
  const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
  try {
    writeFileAtomicSync(windowStateFile(), `${JSON.stringify(state)}\n`);
  } catch (e) {
    log(`window state not saved: ${String(e)}`);
  }
}

let savedState: WindowState | null = null;

function createWindow(): BrowserWindow {
  const { bounds, maximized } = fitWindowBounds(savedState, screen.getAllDisplays(), screen.getPrimaryDisplay());
  const win = new BrowserWindow(mainWindowOptions({ bounds, preload: preloadPath, title: APP_NAME, dark: nativeTheme.shouldUseDarkColors, dev, icon: checkoutWindowIcon(app.isPackaged, process.platform, app.getAppPath()) }));
  mainWindow = win;
  windowLoaded = false;
  win.once('ready-to-show', () => {
    if (maximized) win.maximize();
    win.show();
  });
  win.webContents.on('did-finish-load', () => {
    windowLoaded = true;
    const paths = pending.splice(0);
    if (paths.length) openFromOutside(paths);
  });
  win.webContents.on('render-process-gone', (_e, details) => log(`renderer gone: ${details.reason}`));
  win.on('close', () => saveWindowState(win));
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devUrl ?? APP_INDEX_URL);
  return win;
}

function focusWindow(): void {
  if (!mainWindow) return void createWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  hardenSession(ses, policy, log);
  ses.protocol.handle(APP_SCHEME, (request) => handleAppRequest(request, { root: rendererRoot, csp: appCsp() }));
  if (policy.devServerOrigin) {
    // The dev server's pages get the same policy as a build, widened only for Vite itself.
    const csp = appCsp({ devServerOrigin: policy.devServerOrigin });
    ses.webRequest.onHeadersReceived({ urls: [`${policy.devServerOrigin}/*`] }, (details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),
    );
  }

  const wb = new Workbench({
    userDataFolder: app.getPath('userData'),
    documentsFolder: app.getPath('documents'),
    showOpenDialog: (o) => (mainWindow ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o)),
    showSaveDialog: (o) => (mainWindow ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o)),
    addRecentDocument: (p) => app.addRecentDocument(p),
    clearRecentDocuments: () => app.clearRecentDocuments(),
    send,
    printPdf: printHtmlToPdf,
    nativeTheme,
    recentChanged: setMenu,
  });
  workbench = wb;
  registerIpcHandlers(ipcMain, { trustedWebContentsId: () => mainWindow?.webContents.id, allowedOrigins: appOrigins(policy) }, wb.services, log);
  await wb.start();
  savedState = await readJsonFile(windowStateFile(), windowStateSchema, 64 * 1024);
  createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it receives our argv through 'second-instance'.
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId('io.github.tdx-cpuid.workbench');
  pending.push(...inputPathsFromArgv(process.argv, { defaultApp: process.defaultApp === true, cwd: process.cwd() }));

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    focusWindow();
    openFromOutside(inputPathsFromArgv(argv, { defaultApp: process.defaultApp === true, cwd: workingDirectory }));
  });
  // macOS: files dropped on the Dock icon or opened in Finder; may come before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFromOutside([path]);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && !mainWindow) createWindow();
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      dialog.showErrorBox(APP_NAME, `Could not start: ${e instanceof Error ? e.message : String(e)}`);
      app.exit(1);
    });
}
