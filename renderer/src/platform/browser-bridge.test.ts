import { beforeEach, describe, expect, it } from 'vitest';
import { emptyWorkspace, WORKSPACE_SCHEMA } from '../../../shared/api/workspace';
import { createBrowserBridge, parseWorkspaceText } from './browser-bridge';
import { memorySessionStore } from './session-store';
import { decodeBytes, sha256Hex } from './read-file';

function file(name: string, bytes: Uint8Array | string): File {
  return new File([typeof bytes === 'string' ? new TextEncoder().encode(bytes) : (bytes as Uint8Array<ArrayBuffer>)], name);
}

describe('browser bridge', () => {
  beforeEach(() => localStorage.clear());

  it('reads dropped files: text, size and SHA-256 of the bytes', async () => {
    const bridge = createBrowserBridge({ session: memorySessionStore() });
    const r = await bridge.openDropped([file('cpuid.txt', 'CPU 0:\n   0x00000000 0x00: eax=0x00000020\n')]);
    expect(r.problems).toEqual([]);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({ path: 'cpuid.txt', origin: 'cpuid.txt', size: 42 });
    expect(r.files[0]!.sha256).toBe(await sha256Hex(new TextEncoder().encode('CPU 0:\n   0x00000000 0x00: eax=0x00000020\n')));
    expect(await bridge.recentFiles()).toEqual(['cpuid.txt']);
  });

  it('decodes Latin-1 when the bytes are not UTF-8 (some AIDA64 dumps)', () => {
    expect(decodeBytes(new Uint8Array([0x43, 0x50, 0x55, 0xb5]))).toBe('CPUµ');
    expect(decodeBytes(new TextEncoder().encode('µ'))).toBe('µ');
  });

  it('refuses bundles with a reason instead of failing', async () => {
    const bridge = createBrowserBridge({ session: memorySessionStore() });
    const r = await bridge.openDropped([file('report.tar.gz', new Uint8Array([0x1f, 0x8b])), file('a.txt', 'x')]);
    expect(r.files.map((f) => f.path)).toEqual(['a.txt']);
    expect(r.problems[0]?.path).toBe('report.tar.gz');
    expect(r.problems[0]?.message).toMatch(/extract/);
  });

  it('autosaves and restores a session', async () => {
    const session = memorySessionStore();
    const bridge = createBrowserBridge({ session });
    expect(await bridge.restoreSession()).toBeNull();
    const ws = { ...emptyWorkspace(), context: { module: '1.5.06' } };
    await bridge.autosave(ws);
    expect(await bridge.restoreSession()).toEqual(ws);
  });

  it('drops an autosaved session that no longer validates', async () => {
    const session = memorySessionStore();
    await session.set('last-session', '{"schema":"something-else"}');
    const bridge = createBrowserBridge({ session });
    expect(await bridge.restoreSession()).toBeNull();
    expect(await session.get('last-session')).toBeNull();
  });

  it('saves a workspace as a download and reopens it from a picked file', async () => {
    const downloads: { name: string; content: string }[] = [];
    const picks: File[][] = [];
    const bridge = createBrowserBridge({ session: memorySessionStore(), download: (name, content) => downloads.push({ name, content }), pickFiles: async () => picks.shift() ?? [] });
    const ws = { ...emptyWorkspace(), context: { kernel: '6.16' } };
    expect(await bridge.saveWorkspace(ws, 'save-as')).toEqual({ path: 'workspace.tdxws' });
    expect(JSON.parse(downloads[0]!.content)).toEqual(ws);
    picks.push([file('mine.tdxws', downloads[0]!.content)]);
    expect(await bridge.openWorkspace()).toEqual({ path: 'mine.tdxws', workspace: ws });
    picks.push([]);
    expect(await bridge.openWorkspace()).toBeNull();
  });

  it('says which file is not a workspace and why', () => {
    expect(() => parseWorkspaceText('x.tdxws', '{')).toThrow(/x\.tdxws: not a workspace file \(invalid JSON/);
    expect(() => parseWorkspaceText('y.tdxws', JSON.stringify({ schema: WORKSPACE_SCHEMA, inputs: [{ path: '' }], context: {}, view: {} }))).toThrow(
      /y\.tdxws: not a valid workspace at inputs\.0\./,
    );
  });

  it('keeps the theme choice', async () => {
    const bridge = createBrowserBridge({ session: memorySessionStore() });
    const seen: string[] = [];
    bridge.onSettingsChanged((s) => seen.push(s.theme));
    expect((await bridge.getSettings()).theme).toBe('system');
    await bridge.setTheme('dark');
    expect((await bridge.getSettings()).theme).toBe('dark');
    expect(seen).toEqual(['dark']);
  });

  it('exports a report as a download; PDF becomes the print HTML in a browser', async () => {
    const downloads: { name: string; content: string }[] = [];
    const bridge = createBrowserBridge({ session: memorySessionStore(), download: (name, content) => downloads.push({ name, content }) });
    expect(await bridge.exportReport({ format: 'pdf', suggestedName: 'r.pdf', content: '<html></html>' })).toEqual({ path: 'r.html' });
    expect(await bridge.exportReport({ format: 'md', suggestedName: 'r.md', content: '# r' })).toEqual({ path: 'r.md' });
    expect(downloads.map((d) => d.name)).toEqual(['r.html', 'r.md']);
  });
});
