// Stores and a browser bridge for component and store tests: a fresh Pinia, the real
// browser bridge with an in-memory session, a recorded "download" and scripted file picks.

import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import { markRaw } from 'vue';
import type { Reconciliation } from '../../shared/engine/types';
import type { WorkbenchBridge } from '../../shared/api/bridge';
import { createBrowserBridge } from '../src/platform/browser-bridge';
import { setBridge } from '../src/platform/bridge';
import { memorySessionStore } from '../src/platform/session-store';
import type { SessionStore } from '../src/platform/session-store';
import { useAnalysisStore } from '../src/stores/analysis';
import type { AnalysisResult } from '../src/analysis/types';
import { toView } from '../src/analysis/row-table';

export interface TestEnv {
  readonly pinia: Pinia;
  readonly bridge: WorkbenchBridge;
  readonly session: SessionStore;
  readonly downloads: { name: string; content: string; mime: string }[];
  /** Files the next file dialogs return, in order. */
  readonly picks: File[][];
}

export function setupStores(): TestEnv {
  const pinia = createPinia();
  setActivePinia(pinia);
  const downloads: TestEnv['downloads'] = [];
  const picks: File[][] = [];
  const session = memorySessionStore();
  const bridge = createBrowserBridge({
    session,
    download: (name, content, mime) => downloads.push({ name, content, mime }),
    pickFiles: async () => picks.shift() ?? [],
  });
  setBridge(bridge);
  return { pinia, bridge, session, downloads, picks };
}

/** Puts a finished analysis into the store, as the worker would. */
export function showReconciliation(rec: Reconciliation, extra: Partial<AnalysisResult> = {}): void {
  const analysis = useAnalysisStore();
  analysis.result = markRaw({ inputs: [], missing: [], notes: [], reconciliation: toView(rec), failure: null, elapsedMs: 1, timings: { ingestMs: 0, reconcileMs: 0, rowsMs: 0, startedAt: 0 }, ...extra });
  analysis.revision++;
}

/**
 * happy-dom lays nothing out, so every element measures 0×0 and a virtual list would
 * render no rows. Scroll containers (class `scroller`) get the size of a typical pane.
 */
export function giveScrollersASize(width = 900, height = 600): void {
  const proto = HTMLElement.prototype;
  const measure = (el: HTMLElement, size: number, own: PropertyDescriptor | undefined): number =>
    el.classList.contains('scroller') ? size : ((own?.get?.call(el) as number | undefined) ?? 0);
  const ownHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
  const ownWidth = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: function (this: HTMLElement) { return measure(this, height, ownHeight); } });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: function (this: HTMLElement) { return measure(this, width, ownWidth); } });
}
