import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { COMMANDS, type CommandId } from '../../shared/api/commands';
import { buildMenuTemplate, recentLabel, type MenuContext } from './menu';

function ctx(over: Partial<MenuContext> = {}): MenuContext & { run: ReturnType<typeof vi.fn>; openRecent: ReturnType<typeof vi.fn> } {
  return { platform: 'linux', appName: 'TDX CPUID Workbench', recent: [], dev: false, run: vi.fn(), openRecent: vi.fn(), ...over } as never;
}

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function click(i: MenuItemConstructorOptions): void {
  (i.click as () => void)();
}

describe('application menu', () => {
  it('has every inMenu command of the registry exactly once, with its title and accelerator', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const items = flatten(buildMenuTemplate(ctx({ platform })));
      for (const c of COMMANDS.filter((x) => x.inMenu)) {
        const found = items.filter((i) => i.id === c.id);
        expect(found, `${platform} ${c.id}`).toHaveLength(1);
        expect(found[0].accelerator).toBe(c.accelerator);
        if (!(platform === 'darwin' && c.id === 'help.about')) expect(found[0].label).toBe(c.title);
      }
    }
  });

  it('runs the command id on click (main decides who performs it)', () => {
    const c = ctx();
    const items = flatten(buildMenuTemplate(c));
    for (const id of ['file.open', 'view.grid', 'palette.open', 'report.exportPdf'] as CommandId[]) click(items.find((i) => i.id === id)!);
    expect(c.run.mock.calls.map((a) => a[0])).toEqual(['file.open', 'view.grid', 'palette.open', 'report.exportPdf']);
  });

  it('lists recent paths under File › Open Recent, with Clear Recent', () => {
    const c = ctx({ recent: ['/cases/bug-1/host.txt', '/cases/R&D.tgz'] });
    const file = buildMenuTemplate(c).find((m) => m.label === '&File')!;
    const recent = (file.submenu as MenuItemConstructorOptions[]).find((i) => i.id === 'file.openRecent')!;
    const entries = recent.submenu as MenuItemConstructorOptions[];
    expect(entries.map((e) => e.label ?? e.type)).toEqual([recentLabel('/cases/bug-1/host.txt'), 'R&&D.tgz — /cases/R&&D.tgz', 'separator', 'Clear Recent']);
    click(entries[0]);
    expect(c.openRecent).toHaveBeenCalledWith('/cases/bug-1/host.txt');
    click(entries[3]);
    expect(c.run).toHaveBeenCalledWith('file.clearRecent');
  });

  it('shows a disabled placeholder and a disabled Clear Recent when the list is empty', () => {
    const items = flatten(buildMenuTemplate(ctx()));
    expect(items.find((i) => i.label === 'No Recent Files')?.enabled).toBe(false);
    expect(items.find((i) => i.id === 'file.clearRecent')?.enabled).toBe(false);
  });

  it('macOS: app menu first (About, Services, Hide, Quit), Window menu, no Exit in File', () => {
    const t = buildMenuTemplate(ctx({ platform: 'darwin' }));
    expect(t[0].label).toBe('TDX CPUID Workbench');
    const roles = (t[0].submenu as MenuItemConstructorOptions[]).map((i) => i.role ?? i.label ?? i.type);
    expect(roles).toEqual(['About TDX CPUID Workbench', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(t.some((m) => m.role === 'windowMenu')).toBe(true);
    const file = flatten(t.filter((m) => m.label === '&File'));
    expect(file.some((i) => i.role === 'quit')).toBe(false);
    expect(file.some((i) => i.role === 'close')).toBe(true);
  });

  it('Linux/Windows: Exit in File, About in Help, no app or Window menu', () => {
    const t = buildMenuTemplate(ctx({ platform: 'win32' }));
    expect(t[0].label).toBe('&File');
    expect(flatten([t[0]]).some((i) => i.role === 'quit')).toBe(true);
    expect(t.some((m) => m.role === 'windowMenu')).toBe(false);
    const help = t.find((m) => m.role === 'help')!;
    expect((help.submenu as MenuItemConstructorOptions[]).map((i) => i.id)).toContain('help.about');
  });

  it('offers developer tools only in development builds', () => {
    expect(flatten(buildMenuTemplate(ctx())).some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(flatten(buildMenuTemplate(ctx({ dev: true }))).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('no two menu items share an accelerator', () => {
    const accels = flatten(buildMenuTemplate(ctx())).map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
  });
});
