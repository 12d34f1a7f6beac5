import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OpenResult } from '../../shared/api/bridge';
import { emptyWorkspace, type Workspace } from '../../shared/api/workspace';
import { EVENT } from './ipc/channels';
import { Workbench, type OpenDialogOptions, type SaveDialogOptions, type ShellPlatform } from './workbench';

let dir: string;
let userData: string;
let docs: string;

function fakePlatform(overrides: Partial<ShellPlatform> = {}) {
  const sent: { channel: string; payload: unknown }[] = [];
  const osRecent: string[] = [];
  const menuRecent: (readonly string[])[] = [];
  const theme = { themeSource: 'system' as 'system' | 'light' | 'dark', shouldUseDarkColors: false, on: vi.fn() };
  const platform: ShellPlatform & { openAnswer: string[]; saveAnswer: string | null } = {
    userDataFolder: userData,
    documentsFolder: docs,
    openAnswer: [],
    saveAnswer: null,
    showOpenDialog: vi.fn(async (_o: OpenDialogOptions) => ({ canceled: platform.openAnswer.length === 0, filePaths: platform.openAnswer })),
    showSaveDialog: vi.fn(async (_o: SaveDialogOptions) => (platform.saveAnswer ? { canceled: false, filePath: platform.saveAnswer } : { canceled: true })),
    addRecentDocument: (p) => void osRecent.push(p),
    clearRecentDocuments: () => void osRecent.splice(0),
    send: (channel, payload) => void sent.push({ channel, payload }),
    printPdf: vi.fn(async (html: string) => new TextEncoder().encode(`%PDF-1.7 ${html.length}`)),
    nativeTheme: theme,
    recentChanged: (paths) => void menuRecent.push(paths),
    ...overrides,
  };
  return { platform, sent, osRecent, menuRecent, theme };
}

async function started(overrides: Partial<ShellPlatform> = {}) {
  const f = fakePlatform(overrides);
  const wb = new Workbench(f.platform);
  await wb.start();
  return { wb, ...f };
}

const HOST = 'CPU 0:\n   0x00000000 0x00: eax=0x00000020 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-'));
  userData = join(dir, 'userData');
  docs = join(dir, 'Documents');
  mkdirSync(userData);
  mkdirSync(docs);
  writeFileSync(join(dir, 'host.txt'), HOST);
  writeFileSync(join(dir, 'private.txt'), 'not for the renderer');
  writeFileSync(join(dir, 'image.bin'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe('opening files', () => {
  it('File › Open reads the chosen files with hash and size, and remembers them (own list and OS list)', async () => {
    const { wb, platform, osRecent, menuRecent } = await started();
    platform.openAnswer = [join(dir, 'host.txt')];
    const r = await wb.services.openDialog('files');
    expect(r.problems).toEqual([]);
    expect(r.files).toEqual([{ path: join(dir, 'host.txt'), origin: join(dir, 'host.txt'), size: HOST.length, sha256: sha(HOST), text: HOST }]);
    expect(osRecent).toEqual([join(dir, 'host.txt')]);
    expect(menuRecent.at(-1)).toEqual([join(dir, 'host.txt')]);
    expect(await wb.services.recentFiles()).toEqual([join(dir, 'host.txt')]);
  });

  it('a recent list that cannot be saved does not lose the opened files', async () => {
    const { wb, platform } = await started();
    // A non-empty folder where recent.json goes: every save of the list fails.
    mkdirSync(join(userData, 'recent.json', 'x'), { recursive: true });
    platform.openAnswer = [join(dir, 'host.txt')];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const r = await wb.services.openDialog('files');
    expect(r.files.map((f) => f.text)).toEqual([HOST]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('recent list not saved'));
    warn.mockRestore();
  });

  it('a cancelled dialog opens nothing and grants nothing', async () => {
    const { wb } = await started();
    expect(await wb.services.openDialog('folder')).toEqual({ files: [], problems: [] });
    expect(wb.grants.allows(join(dir, 'host.txt'))).toBe(false);
  });

  it('unreadable, missing and binary files become problems next to the files that loaded', async () => {
    const { wb, platform } = await started();
    platform.openAnswer = [join(dir, 'host.txt'), join(dir, 'gone.txt'), join(dir, 'image.bin')];
    const r = await wb.services.openDialog('files');
    expect(r.files.map((f) => f.path)).toEqual([join(dir, 'host.txt')]);
    expect(r.problems).toEqual([
      { path: join(dir, 'gone.txt'), message: expect.stringMatching(/does not exist/) },
      { path: join(dir, 'image.bin'), message: expect.stringMatching(/binary file/) },
    ]);
  });

  it('dropped paths are read and granted; dropped files without a path are read from their bytes', async () => {
    const { wb } = await started();
    const bytes = new TextEncoder().encode('qemu-system-x86_64 -cpu host\n');
    const r = await wb.services.openDropped({ paths: [join(dir, 'host.txt')], blobs: [{ name: 'cmdline.txt', bytes }] });
    expect(r.files.map((f) => [f.path, f.origin])).toEqual([
      [join(dir, 'host.txt'), join(dir, 'host.txt')],
      ['cmdline.txt', 'cmdline.txt'],
    ]);
    expect(r.files[1].sha256).toBe(sha(bytes));
  });

  it('folders and bundles are expanded (electron/bundle), member by member', async () => {
    const { wb, platform } = await started();
    mkdirSync(join(dir, 'case', 'logs'), { recursive: true });
    writeFileSync(join(dir, 'case', 'host.txt'), HOST);
    writeFileSync(join(dir, 'case', 'logs', 'dmesg.txt'), '[    0.000000] tdx: Guest detected\n');
    await tar.c({ gzip: true, file: join(dir, 'case.tgz'), cwd: join(dir, 'case') }, ['host.txt', 'logs']);
    platform.openAnswer = [join(dir, 'case')];
    const folder = await wb.services.openDialog('folder');
    expect(folder.files.map((f) => f.path).sort()).toEqual([join(dir, 'case', 'host.txt'), join(dir, 'case', 'logs', 'dmesg.txt')]);
    expect(wb.grants.allows(join(dir, 'case', 'logs', 'dmesg.txt'))).toBe(true);
    const bundle = await wb.services.openDropped({ paths: [], blobs: [{ name: 'case.tgz', bytes: readFileSync(join(dir, 'case.tgz')) }] });
    expect(bundle.files.map((f) => f.path).sort()).toEqual(['case.tgz!/host.txt', 'case.tgz!/logs/dmesg.txt']);
    expect(bundle.files.find((f) => f.path.endsWith('host.txt'))?.text).toBe(HOST);
  });

  it('Open Recent refuses a path that is not in the recent list, without reading it', async () => {
    const { wb } = await started();
    const r = await wb.services.openRecent(join(dir, 'private.txt'));
    expect(r.files).toEqual([]);
    expect(r.problems[0].message).toMatch(/not in the recent list/);
  });

  it('Open Recent reopens a remembered file in a later session (the list grants it)', async () => {
    const first = await started();
    first.platform.openAnswer = [join(dir, 'host.txt')];
    await first.wb.services.openDialog('files');
    const later = await started();
    const r = await later.wb.services.openRecent(join(dir, 'host.txt'));
    expect(r.files.map((f) => f.text)).toEqual([HOST]);
  });

  it('Open Recent of a file that vanished says so and drops it from the list', async () => {
    const { wb, platform } = await started();
    platform.openAnswer = [join(dir, 'host.txt')];
    await wb.services.openDialog('files');
    rmSync(join(dir, 'host.txt'));
    const r = await wb.services.openRecent(join(dir, 'host.txt'));
    expect(r.problems[0].message).toMatch(/no longer exists/);
    expect(await wb.services.recentFiles()).toEqual([]);
  });

  it('Clear Recent empties our list and the OS list', async () => {
    const { wb, platform, osRecent } = await started();
    platform.openAnswer = [join(dir, 'host.txt')];
    await wb.services.openDialog('files');
    await wb.services.clearRecent();
    expect(await wb.services.recentFiles()).toEqual([]);
    expect(osRecent).toEqual([]);
  });

  it('files from the command line / OS / second instance are pushed to the window', async () => {
    const { wb, sent } = await started();
    await wb.openFromOutside([join(dir, 'host.txt'), join(dir, 'missing.txt')]);
    const opened = sent.find((s) => s.channel === EVENT.opened)?.payload as OpenResult;
    expect(opened.files.map((f) => f.path)).toEqual([join(dir, 'host.txt')]);
    expect(opened.problems.map((p) => p.path)).toEqual([join(dir, 'missing.txt')]);
  });

  it('a workspace file from outside opens as a workspace; a broken one is a problem', async () => {
    const { wb, sent } = await started();
    const ws: Workspace = { ...emptyWorkspace(), context: { module: '1.5.06' } };
    writeFileSync(join(dir, 'bug.tdxws'), JSON.stringify(ws));
    writeFileSync(join(dir, 'broken.tdxws'), '{"schema":');
    await wb.openFromOutside([join(dir, 'bug.tdxws'), join(dir, 'broken.tdxws')]);
    expect(sent.find((s) => s.channel === EVENT.workspaceOpened)?.payload).toEqual({ path: join(dir, 'bug.tdxws'), workspace: ws });
    const opened = sent.find((s) => s.channel === EVENT.opened)?.payload as OpenResult;
    expect(opened.problems).toEqual([{ path: join(dir, 'broken.tdxws'), message: expect.stringMatching(/not a workspace file/) }]);
    expect(wb.currentWorkspacePath).toBe(join(dir, 'bug.tdxws'));
  });

  it('the File menu commands that run in main open a dialog and push the result', async () => {
    const { wb, platform, sent } = await started();
    platform.openAnswer = [join(dir, 'host.txt')];
    await wb.runMainCommand('file.open');
    expect(platform.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ properties: ['openFile', 'multiSelections'] }));
    expect((sent.at(-1)?.payload as OpenResult).files).toHaveLength(1);
    await expect(wb.runMainCommand('view.grid')).rejects.toThrow(/not a main-process command/);
  });
});

describe('workspaces', () => {
  const ws: Workspace = {
    ...emptyWorkspace(),
    inputs: [{ path: '/x/host.txt', sha256: sha(HOST), size: HOST.length, text: HOST }],
    context: { module: '1.5.06', xfam: '0x61ae7' },
    view: { view: 'grid', selectedBit: 'CPUID.07H.0:EBX[4]' },
  };

  it('Save asks for a path once (adding .tdxws), then saves there without asking', async () => {
    const { wb, platform } = await started();
    platform.saveAnswer = join(docs, 'bug-4711');
    expect(await wb.services.saveWorkspace(ws, 'save')).toEqual({ path: join(docs, 'bug-4711.tdxws') });
    expect(JSON.parse(readFileSync(join(docs, 'bug-4711.tdxws'), 'utf8'))).toEqual(ws);
    platform.saveAnswer = null;
    expect(await wb.services.saveWorkspace({ ...ws, context: {} }, 'save')).toEqual({ path: join(docs, 'bug-4711.tdxws') });
    expect(platform.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(await wb.services.saveWorkspace(ws, 'save-as')).toBeNull(); // Save As always asks; cancelled
  });

  it('Open Workspace validates the file; a bad one is a readable error', async () => {
    const { wb, platform } = await started();
    writeFileSync(join(dir, 'ok.tdxws'), JSON.stringify(ws));
    platform.openAnswer = [join(dir, 'ok.tdxws')];
    expect(await wb.services.openWorkspace()).toEqual({ path: join(dir, 'ok.tdxws'), workspace: ws });
    writeFileSync(join(dir, 'bad.tdxws'), JSON.stringify({ ...ws, inputs: [{ path: '' }] }));
    platform.openAnswer = [join(dir, 'bad.tdxws')];
    await expect(wb.services.openWorkspace()).rejects.toThrow(/bad\.tdxws: damaged workspace at inputs\.0/);
    writeFileSync(join(dir, 'other.tdxws'), JSON.stringify({ schema: 'something/else' }));
    platform.openAnswer = [join(dir, 'other.tdxws')];
    await expect(wb.services.openWorkspace()).rejects.toThrow(/not a tdx-cpuid\/workspace\/v1 workspace \(schema "something\/else"\)/);
  });

  it('autosave and restore the session; the last autosave wins; a damaged session restores as null', async () => {
    const { wb } = await started();
    expect(await wb.services.restoreSession()).toBeNull();
    await Promise.all([wb.services.autosave({ ...ws, view: { view: 'a' } }), wb.services.autosave({ ...ws, view: { view: 'b' } })]);
    const later = await started();
    expect((await later.wb.services.restoreSession())?.view.view).toBe('b');
    expect(readdirSync(userData).filter((n) => n.includes('.tmp-'))).toEqual([]);
    writeFileSync(join(userData, 'session.tdxws'), '{"half":');
    expect(await later.wb.services.restoreSession()).toBeNull();
  });
});

describe('export and settings', () => {
  it('exports PDF through the printer and text formats as given, atomically', async () => {
    const { wb, platform } = await started();
    platform.saveAnswer = join(dir, 'report');
    const html = '<!doctype html><html><head><style>@page{size:A4}</style></head><body>r</body></html>';
    expect(await wb.services.exportReport({ format: 'pdf', suggestedName: 'host.pdf', content: html })).toEqual({ path: join(dir, 'report.pdf') });
    expect(platform.printPdf).toHaveBeenCalledWith(html);
    expect(readFileSync(join(dir, 'report.pdf'), 'utf8')).toBe(`%PDF-1.7 ${html.length}`);
    platform.saveAnswer = join(dir, 'findings.md');
    await wb.services.exportReport({ format: 'md', suggestedName: '../../etc/x.md', content: '# Findings\n' });
    expect(readFileSync(join(dir, 'findings.md'), 'utf8')).toBe('# Findings\n');
    // The dialog started in the last export folder with a sanitised name.
    expect(platform.showSaveDialog).toHaveBeenLastCalledWith(expect.objectContaining({ defaultPath: join(dir, 'x.md') }));
  });

  it('setTheme applies to nativeTheme, persists, and tells the window', async () => {
    const { wb, theme, sent } = await started();
    expect(await wb.services.setTheme('dark')).toEqual({ theme: 'dark', prefersDark: false });
    expect(theme.themeSource).toBe('dark');
    expect(sent.filter((s) => s.channel === EVENT.settingsChanged)).toHaveLength(1);
    const later = await started();
    expect((await later.wb.services.getSettings()).theme).toBe('dark');
    expect(later.theme.themeSource).toBe('dark');
  });
});
