// Workspaces: everything needed to reopen an analysis (inputs embedded, overrides,
// context choices, view state), saved as a file, and autosaved as the session that the
// next start restores. The first start, with no session, opens the demo bug report.

import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { OpenResult } from '../../../shared/api/bridge';
import { WORKSPACE_SCHEMA } from '../../../shared/api/workspace';
import type { Workspace, WorkspaceView } from '../../../shared/api/workspace';
import { BIT_CLASSES } from '../../../shared/engine/types';
import type { BitClass } from '../../../shared/engine/types';
import { bridge } from '../platform/bridge';
import { useCompareStore } from './compare';
import { useContextStore } from './context';
import { useGridStore } from './grid';
import { useInputsStore } from './inputs';
import { isViewId, useUiStore } from './ui';

/** Autosave waits for a quiet moment (typing in the context bar, scrolling choices). */
export const AUTOSAVE_DELAY_MS = 800;

function isBitClass(s: unknown): s is BitClass {
  return typeof s === 'string' && (BIT_CLASSES as readonly string[]).includes(s);
}

export const useWorkspaceStore = defineStore('workspace', () => {
  const path = ref<string | null>(null);
  let autosaveTimer: ReturnType<typeof setTimeout> | null = null;

  function viewState(): WorkspaceView {
    const ui = useUiStore();
    const grid = useGridStore();
    const compare = useCompareStore();
    const f = grid.filters;
    return {
      view: ui.view,
      inspectorOpen: ui.inspectorOpen,
      ...(grid.selectedKey ? { selectedBit: grid.selectedKey } : {}),
      filters: {
        differencesOnly: f.differencesOnly,
        findingsOnly: f.findingsOnly,
        bitClass: f.bitClass,
        leaf: f.leaf,
        text: f.text,
        ...(f.finding !== null ? { finding: f.finding } : {}),
      },
      compare: { mode: compare.mode, a: compare.a, b: compare.b, baselineHosts: compare.baselineHosts.join('\n') },
      mapMode: ui.mapMode,
    };
  }

  function snapshot(): Workspace {
    return {
      schema: WORKSPACE_SCHEMA,
      savedAt: new Date().toISOString(),
      inputs: useInputsStore().toWorkspace(),
      context: useContextStore().toWorkspace(),
      view: viewState(),
    };
  }

  function applyView(v: WorkspaceView): void {
    const ui = useUiStore();
    const grid = useGridStore();
    const compare = useCompareStore();
    if (isViewId(v.view)) ui.view = v.view;
    if (typeof v.inspectorOpen === 'boolean') ui.inspectorOpen = v.inspectorOpen;
    const mapMode: unknown = (v as Record<string, unknown>).mapMode;
    if (mapMode === 'class' || mapMode === 'disagreement') ui.mapMode = mapMode;
    const f = v.filters ?? {};
    grid.setFilters({
      differencesOnly: f.differencesOnly === true,
      findingsOnly: f.findingsOnly === true,
      bitClass: isBitClass(f.bitClass) ? f.bitClass : '',
      leaf: typeof f.leaf === 'string' ? f.leaf : '',
      text: typeof f.text === 'string' ? f.text : '',
      finding: typeof f.finding === 'number' && Number.isInteger(f.finding) && f.finding >= 0 ? f.finding : null,
    });
    grid.select(v.selectedBit ?? null, true);
    const c = v.compare ?? {};
    if (c.mode === 'hosts' || c.mode === 'captures' || c.mode === 'modules') compare.mode = c.mode;
    if (c.a !== undefined) compare.a = c.a;
    if (c.b !== undefined) compare.b = c.b;
  }

  /** Replaces the session with a workspace: inputs, context and view. */
  function apply(ws: Workspace, fromPath: string | null): void {
    useInputsStore().replaceAll(ws.inputs);
    useContextStore().apply(ws.context);
    applyView(ws.view);
    path.value = fromPath;
  }

  async function save(mode: 'save' | 'save-as'): Promise<void> {
    const ui = useUiStore();
    try {
      // "Save" of a session that has no workspace file (the demo, after Close All, however
      // it was reached: menu, palette or keyboard) asks where, like "Save As": never over
      // the file a previous session was saved to.
      const saved = await bridge().saveWorkspace(snapshot(), mode === 'save' && path.value === null ? 'save-as' : mode);
      if (saved) {
        path.value = saved.path;
        ui.toast('info', `Workspace saved: ${saved.path}`);
      }
    } catch (e) {
      ui.toast('error', 'Could not save the workspace', [e instanceof Error ? e.message : String(e)]);
    }
  }

  async function open(): Promise<void> {
    const ui = useUiStore();
    try {
      const opened = await bridge().openWorkspace();
      if (!opened) return;
      apply(opened.workspace, opened.path);
      ui.toast('info', `Workspace opened: ${opened.path}`, [`${opened.workspace.inputs.length} inputs`]);
    } catch (e) {
      // A bad workspace file leaves the current session as it is.
      ui.toast('error', 'Could not open the workspace', [e instanceof Error ? e.message : String(e)]);
    }
  }

  /** Adds opened files to the session; problems are shown, never fatal. */
  function addOpened(result: OpenResult): void {
    const ui = useUiStore();
    const outcome = useInputsStore().addResult(result);
    if (result.problems.length > 0) {
      ui.toast(
        'warning',
        result.problems.length === 1 ? 'One file could not be opened' : `${result.problems.length} files could not be opened`,
        result.problems.map((p) => `${p.path}: ${p.message}`),
      );
    }
    if (outcome.duplicates.length > 0) ui.toast('info', 'Already loaded', outcome.duplicates);
  }

  async function openDemo(): Promise<void> {
    performance.mark('demo:open');
    const result = await bridge().loadDemo();
    useInputsStore().clear();
    useContextStore().reset();
    useGridStore().clearFilters();
    path.value = null;
    addOpened(result);
  }

  function closeAll(): void {
    useInputsStore().clear();
    useContextStore().reset();
    useGridStore().clearFilters();
    useGridStore().select(null);
    path.value = null;
  }

  /** Start-up: the autosaved session if there is one, else the demo. */
  async function start(): Promise<void> {
    const session = await bridge()
      .restoreSession()
      .catch(() => null);
    if (session && session.inputs.length > 0) apply(session, null);
    else await openDemo();
  }

  function scheduleAutosave(): void {
    if (autosaveTimer) clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(() => {
      autosaveTimer = null;
      void bridge()
        .autosave(snapshot())
        .catch(() => undefined);
    }, AUTOSAVE_DELAY_MS);
  }

  /** Autosaves whenever the session changes. Call once at start-up, after `start()`. */
  function watchForAutosave(): void {
    const inputs = useInputsStore();
    const context = useContextStore();
    const grid = useGridStore();
    const ui = useUiStore();
    const compare = useCompareStore();
    watch(
      [
        () => inputs.inputs,
        () => context.options,
        () => grid.filters,
        () => grid.selectedKey,
        () => ui.view,
        () => ui.inspectorOpen,
        () => ui.mapMode,
        () => [compare.mode, compare.a, compare.b],
      ],
      scheduleAutosave,
    );
  }

  /** Writes a pending autosave now (before the page goes away). */
  async function flush(): Promise<void> {
    if (!autosaveTimer) return;
    clearTimeout(autosaveTimer);
    autosaveTimer = null;
    await bridge().autosave(snapshot());
  }

  return { path, snapshot, apply, save, open, addOpened, openDemo, closeAll, start, watchForAutosave, flush };
});
