// One command registry for the application menu, keyboard shortcuts and the command
// palette (desktop issue). The main process builds the menu from it; the renderer lists
// the same commands in its palette and runs them; the ids are stable.

export type CommandId =
  | 'file.open'
  | 'file.openFolder'
  | 'file.openDemo'
  | 'file.clearRecent'
  | 'workspace.save'
  | 'workspace.saveAs'
  | 'workspace.open'
  | 'workspace.close'
  | 'report.exportPdf'
  | 'report.exportHtml'
  | 'report.exportMarkdown'
  | 'report.exportJson'
  | 'view.grid'
  | 'view.registerMap'
  | 'view.compare'
  | 'view.baseline'
  | 'view.findings'
  | 'view.sources'
  | 'view.toggleInspector'
  | 'view.theme.system'
  | 'view.theme.light'
  | 'view.theme.dark'
  | 'grid.filterDifferences'
  | 'grid.filterFindings'
  | 'grid.clearFilters'
  | 'grid.focusSearch'
  | 'inspector.copyBit'
  | 'palette.open'
  | 'help.about'
  | 'help.shortcuts';

export type CommandGroup = 'File' | 'Workspace' | 'Report' | 'View' | 'Grid' | 'Help';

export interface CommandInfo {
  readonly id: CommandId;
  readonly title: string;
  readonly group: CommandGroup;
  /** Electron accelerator syntax ("CmdOrCtrl+O"); the renderer maps it to key events. */
  readonly accelerator?: string;
  /** Shown in the application menu (else only in the palette). */
  readonly inMenu: boolean;
  /** Who performs it: the main process (dialogs, windows) or the renderer (views, filters). */
  readonly runsIn: 'main' | 'renderer';
}

export const COMMANDS: readonly CommandInfo[] = [
  { id: 'file.open', title: 'Open Files…', group: 'File', accelerator: 'CmdOrCtrl+O', inMenu: true, runsIn: 'main' },
  { id: 'file.openFolder', title: 'Open Folder…', group: 'File', accelerator: 'CmdOrCtrl+Shift+O', inMenu: true, runsIn: 'main' },
  { id: 'file.openDemo', title: 'Open Demo Bug Report', group: 'File', inMenu: true, runsIn: 'renderer' },
  { id: 'file.clearRecent', title: 'Clear Recent', group: 'File', inMenu: false, runsIn: 'main' },
  { id: 'workspace.open', title: 'Open Workspace…', group: 'Workspace', accelerator: 'CmdOrCtrl+Alt+O', inMenu: true, runsIn: 'renderer' },
  { id: 'workspace.save', title: 'Save Workspace', group: 'Workspace', accelerator: 'CmdOrCtrl+S', inMenu: true, runsIn: 'renderer' },
  { id: 'workspace.saveAs', title: 'Save Workspace As…', group: 'Workspace', accelerator: 'CmdOrCtrl+Shift+S', inMenu: true, runsIn: 'renderer' },
  { id: 'workspace.close', title: 'Close All Inputs', group: 'Workspace', inMenu: true, runsIn: 'renderer' },
  { id: 'report.exportPdf', title: 'Export Report as PDF…', group: 'Report', accelerator: 'CmdOrCtrl+P', inMenu: true, runsIn: 'renderer' },
  { id: 'report.exportHtml', title: 'Export Report as HTML…', group: 'Report', inMenu: true, runsIn: 'renderer' },
  { id: 'report.exportMarkdown', title: 'Export Report as Markdown…', group: 'Report', inMenu: true, runsIn: 'renderer' },
  { id: 'report.exportJson', title: 'Export Report as JSON…', group: 'Report', inMenu: true, runsIn: 'renderer' },
  { id: 'view.grid', title: 'Show Reconciliation Grid', group: 'View', accelerator: 'CmdOrCtrl+1', inMenu: true, runsIn: 'renderer' },
  { id: 'view.registerMap', title: 'Show Register Map', group: 'View', accelerator: 'CmdOrCtrl+2', inMenu: true, runsIn: 'renderer' },
  { id: 'view.compare', title: 'Show Compare', group: 'View', accelerator: 'CmdOrCtrl+3', inMenu: true, runsIn: 'renderer' },
  { id: 'view.baseline', title: 'Show Baseline', group: 'View', accelerator: 'CmdOrCtrl+4', inMenu: true, runsIn: 'renderer' },
  { id: 'view.findings', title: 'Show Findings', group: 'View', accelerator: 'CmdOrCtrl+5', inMenu: true, runsIn: 'renderer' },
  { id: 'view.sources', title: 'Show Sources', group: 'View', accelerator: 'CmdOrCtrl+6', inMenu: true, runsIn: 'renderer' },
  { id: 'view.toggleInspector', title: 'Toggle Bit Inspector', group: 'View', accelerator: 'CmdOrCtrl+I', inMenu: true, runsIn: 'renderer' },
  { id: 'view.theme.system', title: 'Theme: Follow System', group: 'View', inMenu: true, runsIn: 'renderer' },
  { id: 'view.theme.light', title: 'Theme: Light', group: 'View', inMenu: true, runsIn: 'renderer' },
  { id: 'view.theme.dark', title: 'Theme: Dark', group: 'View', inMenu: true, runsIn: 'renderer' },
  { id: 'grid.filterDifferences', title: 'Filter: Differences Only', group: 'Grid', accelerator: 'Alt+D', inMenu: true, runsIn: 'renderer' },
  { id: 'grid.filterFindings', title: 'Filter: Bits With Findings', group: 'Grid', accelerator: 'Alt+F', inMenu: true, runsIn: 'renderer' },
  { id: 'grid.clearFilters', title: 'Clear Filters', group: 'Grid', accelerator: 'Alt+C', inMenu: true, runsIn: 'renderer' },
  { id: 'grid.focusSearch', title: 'Search Bits…', group: 'Grid', accelerator: 'CmdOrCtrl+F', inMenu: true, runsIn: 'renderer' },
  { id: 'inspector.copyBit', title: 'Copy Bit Explanation', group: 'Grid', accelerator: 'CmdOrCtrl+Shift+C', inMenu: true, runsIn: 'renderer' },
  { id: 'palette.open', title: 'Command Palette…', group: 'View', accelerator: 'CmdOrCtrl+Shift+P', inMenu: true, runsIn: 'renderer' },
  { id: 'help.shortcuts', title: 'Keyboard Shortcuts', group: 'Help', inMenu: true, runsIn: 'renderer' },
  { id: 'help.about', title: 'About TDX CPUID Workbench', group: 'Help', inMenu: true, runsIn: 'renderer' },
];

const COMMAND_IDS: ReadonlySet<string> = new Set(COMMANDS.map((c) => c.id));

export function isCommandId(s: unknown): s is CommandId {
  return typeof s === 'string' && COMMAND_IDS.has(s);
}

export function commandById(id: CommandId): CommandInfo {
  const c = COMMANDS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown command ${id}`);
  return c;
}
