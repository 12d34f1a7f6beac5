// The application menu, built from the one command registry (shared/api/commands.ts): the
// same ids, titles and accelerators the renderer lists in its command palette. Items call
// ctx.run(id); the caller performs `runsIn: 'main'` commands itself and sends the others
// to the renderer. macOS gets its conventional app menu (About, Services, Hide, Quit) and
// Window menu; an Edit menu gives text fields their clipboard shortcuts on every platform.

import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import { COMMANDS, type CommandGroup, type CommandId, type CommandInfo } from '../../shared/api/commands';

export interface MenuContext {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  readonly recent: readonly string[];
  /** Development build: adds Reload and the developer tools to the View menu. */
  readonly dev: boolean;
  run(id: CommandId): void;
  openRecent(path: string): void;
}

function item(c: CommandInfo, ctx: MenuContext): MenuItemConstructorOptions {
  return { id: c.id, label: c.title, accelerator: c.accelerator, click: () => ctx.run(c.id) };
}

function group(g: CommandGroup, ctx: MenuContext, exclude: readonly CommandId[] = []): MenuItemConstructorOptions[] {
  return COMMANDS.filter((c) => c.group === g && c.inMenu && !exclude.includes(c.id)).map((c) => item(c, ctx));
}

const SEP: MenuItemConstructorOptions = { type: 'separator' };

/** Menu label of a recent path: the name first, then the folder it is in. */
export function recentLabel(path: string): string {
  const name = basename(path) || path;
  return `${name} — ${path}`.replace(/&/g, '&&');
}

function recentMenu(ctx: MenuContext): MenuItemConstructorOptions {
  const clear = COMMANDS.find((c) => c.id === 'file.clearRecent');
  const entries: MenuItemConstructorOptions[] = ctx.recent.length
    ? ctx.recent.map((p) => ({ label: recentLabel(p), click: () => ctx.openRecent(p) }))
    : [{ label: 'No Recent Files', enabled: false }];
  return {
    id: 'file.openRecent',
    label: 'Open Recent',
    submenu: [...entries, SEP, { id: 'file.clearRecent', label: clear?.title ?? 'Clear Recent', enabled: ctx.recent.length > 0, click: () => ctx.run('file.clearRecent') }],
  };
}

/** Commands with an accelerator but no menu entry still need one for the shortcut to work. */
function hiddenAccelerators(ctx: MenuContext): MenuItemConstructorOptions[] {
  return COMMANDS.filter((c) => !c.inMenu && c.accelerator).map((c) => ({ ...item(c, ctx), visible: false, acceleratorWorksWhenHidden: true }));
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const about = COMMANDS.find((c) => c.id === 'help.about');
  const themeIds: CommandId[] = ['view.theme.system', 'view.theme.light', 'view.theme.dark'];
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: ctx.appName,
      submenu: [
        ...(about ? [{ ...item(about, ctx), label: `About ${ctx.appName}` }] : []),
        SEP,
        { role: 'services' },
        SEP,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        SEP,
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: '&File',
    submenu: [
      ...group('File', ctx),
      recentMenu(ctx),
      SEP,
      ...group('Workspace', ctx),
      SEP,
      { label: 'Export Report', submenu: group('Report', ctx) },
      SEP,
      mac ? { role: 'close' } : { role: 'quit', label: 'E&xit' },
      ...hiddenAccelerators(ctx),
    ],
  });
  template.push({
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, SEP, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  const themes = COMMANDS.filter((c) => themeIds.includes(c.id) && c.inMenu).map((c) => item(c, ctx));
  template.push({
    label: '&View',
    submenu: [
      ...group('View', ctx, themeIds),
      { label: 'Theme', submenu: themes },
      SEP,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      SEP,
      { role: 'togglefullscreen' },
      ...(ctx.dev ? [SEP, { role: 'reload' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  });
  template.push({ label: '&Grid', submenu: group('Grid', ctx) });
  if (mac) template.push({ role: 'windowMenu' });
  template.push({ role: 'help', label: '&Help', submenu: group('Help', ctx, mac ? ['help.about'] : []) });
  return template;
}
