// Wires the stores to the platform and to each other at start-up: settings and theme,
// commands from the menu (Electron) or the keyboard (browser), files opened from
// outside, re-analysis whenever inputs or context change, the catalog, the first
// session (restored or the demo), and autosave.

import type { Pinia } from 'pinia';
import { nextTick, watch } from 'vue';
import type { WorkbenchBridge } from '../../shared/api/bridge';
import type { AnalysisService } from './analysis/service';
import { runCommand } from './commands/run';
import { installShortcuts } from './commands/shortcuts';
import { useAnalysisStore } from './stores/analysis';
import { useContextStore } from './stores/context';
import { useInputsStore } from './stores/inputs';
import { useUiStore } from './stores/ui';
import { useWorkspaceStore } from './stores/workspace';

export interface StartOptions {
  readonly bridge: WorkbenchBridge;
  readonly service: AnalysisService;
  readonly pinia: Pinia;
  /** Skip restoring/opening a session (tests that build their own). */
  readonly openSession?: boolean;
}

/** Applies the theme to the document root (CSS variables switch on data-theme). */
export function applyTheme(dark: boolean): void {
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export async function startWorkbench(options: StartOptions): Promise<() => void> {
  const { bridge, service, pinia } = options;
  const ui = useUiStore(pinia);
  const analysis = useAnalysisStore(pinia);
  const inputs = useInputsStore(pinia);
  const context = useContextStore(pinia);
  const workspace = useWorkspaceStore(pinia);
  const stops: (() => void)[] = [];

  analysis.attach(service);
  ui.applySettings(await bridge.getSettings());
  stops.push(watch(() => ui.dark, applyTheme, { immediate: true }));
  stops.push(bridge.onSettingsChanged((s) => ui.applySettings(s)));
  stops.push(bridge.onCommand((id) => void runCommand(id)));
  stops.push(bridge.onOpened((result) => workspace.addOpened(result)));
  if (bridge.onWorkspaceOpened) {
    stops.push(
      bridge.onWorkspaceOpened((opened) => {
        workspace.apply(opened.workspace, opened.path);
        ui.toast('info', `Workspace opened: ${opened.path}`);
      }),
    );
  }
  if (bridge.platform === 'browser') stops.push(installShortcuts((id) => void runCommand(id)));

  stops.push(watch([() => inputs.forAnalysis, () => context.options], () => void analysis.analyse()));

  if (options.openSession !== false) await workspace.start();
  // The first analysis is queued (the watcher above runs before the next render); the
  // catalog (module, kernel and QEMU lists for the context bar) waits behind it.
  await nextTick();
  await analysis.loadCatalog();
  workspace.watchForAutosave();

  const onHide = (): void => void workspace.flush();
  window.addEventListener('pagehide', onHide);
  stops.push(() => window.removeEventListener('pagehide', onHide));
  return () => {
    for (const stop of stops) stop();
    service.dispose();
  };
}
