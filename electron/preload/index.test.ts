import { describe, expect, it, vi } from 'vitest';

const exposed: { key: string; api: Record<string, unknown> }[] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), send: vi.fn() },
  webUtils: { getPathForFile: vi.fn(() => '/dropped/file.txt') },
}));

describe('preload entry', () => {
  it('exposes one object, window.workbench, holding functions and the platform name only', async () => {
    await import('./index');
    expect(exposed.map((e) => e.key)).toEqual(['workbench']);
    const api = exposed[0].api;
    for (const [k, v] of Object.entries(api)) expect(k === 'platform' ? v === 'electron' : typeof v === 'function', k).toBe(true);
    // No raw IPC or Node objects leak through.
    expect(Object.keys(api).some((k) => /ipc|send|invoke|require|process/i.test(k))).toBe(false);
  });
});
