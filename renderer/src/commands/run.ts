// Runs a command from the registry (shared/api/commands.ts), whoever asked: the palette,
// a shortcut, the Electron menu (bridge.onCommand) or a button.

import type { CommandId } from '../../../shared/api/commands';
import { bridge } from '../platform/bridge';
import { useAnalysisStore } from '../stores/analysis';
import { useGridStore } from '../stores/grid';
import { useUiStore } from '../stores/ui';
import { useWorkspaceStore } from '../stores/workspace';
import { bitAsText } from '../util/bit-text';
import { copyText } from '../util/clipboard';
import { exportReport } from '../report/export';

async function setTheme(theme: 'system' | 'light' | 'dark'): Promise<void> {
  useUiStore().applySettings(await bridge().setTheme(theme));
}

export async function copySelectedBit(): Promise<string | null> {
  const ui = useUiStore();
  const grid = useGridStore();
  const rec = useAnalysisStore().reconciliation;
  const item = grid.selected;
  const row = grid.selectedRow;
  if (!rec || !item || !row) {
    ui.toast('info', 'Select a bit first');
    return null;
  }
  const text = bitAsText(item.address, row, rec.context, grid.selectedFindings);
  try {
    await copyText(text);
    ui.toast('info', `Copied ${item.address} as text`);
  } catch (e) {
    ui.toast('error', 'Could not copy', [e instanceof Error ? e.message : String(e)]);
  }
  return text;
}

export async function runCommand(id: CommandId): Promise<void> {
  const ui = useUiStore();
  const grid = useGridStore();
  const workspace = useWorkspaceStore();
  switch (id) {
    case 'file.open':
      workspace.addOpened(await bridge().openDialog('files'));
      return;
    case 'file.openFolder':
      workspace.addOpened(await bridge().openDialog('folder'));
      return;
    case 'file.openDemo':
      await workspace.openDemo();
      return;
    case 'file.clearRecent':
      await bridge().clearRecent();
      return;
    case 'workspace.save':
      await workspace.save('save');
      return;
    case 'workspace.saveAs':
      await workspace.save('save-as');
      return;
    case 'workspace.open':
      await workspace.open();
      return;
    case 'workspace.close':
      workspace.closeAll();
      return;
    case 'report.exportPdf':
      await exportReport('pdf');
      return;
    case 'report.exportHtml':
      await exportReport('html');
      return;
    case 'report.exportMarkdown':
      await exportReport('md');
      return;
    case 'report.exportJson':
      await exportReport('json');
      return;
    case 'view.grid':
      ui.show('grid');
      return;
    case 'view.registerMap':
      ui.show('registerMap');
      return;
    case 'view.compare':
      ui.show('compare');
      return;
    case 'view.baseline':
      ui.show('baseline');
      return;
    case 'view.findings':
      ui.show('findings');
      return;
    case 'view.sources':
      ui.show('sources');
      return;
    case 'view.toggleInspector':
      ui.inspectorOpen = !ui.inspectorOpen;
      return;
    case 'view.theme.system':
      await setTheme('system');
      return;
    case 'view.theme.light':
      await setTheme('light');
      return;
    case 'view.theme.dark':
      await setTheme('dark');
      return;
    case 'grid.filterDifferences':
      grid.differencesOnly = !grid.differencesOnly;
      ui.show('grid');
      return;
    case 'grid.filterFindings':
      grid.findingsOnly = !grid.findingsOnly;
      ui.show('grid');
      return;
    case 'grid.clearFilters':
      grid.clearFilters();
      return;
    case 'grid.focusSearch':
      ui.show('grid');
      grid.focusSearchRequest++;
      return;
    case 'inspector.copyBit':
      await copySelectedBit();
      return;
    case 'palette.open':
      ui.paletteOpen = true;
      return;
    case 'help.about':
      ui.dialog = 'about';
      return;
    case 'help.shortcuts':
      ui.dialog = 'shortcuts';
      return;
  }
}
