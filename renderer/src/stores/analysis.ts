// The analysis of the session: asks the worker to classify, parse and reconcile whenever
// the inputs or the context change, shows progress, can be cancelled. Results are
// frozen snapshots (markRaw): thousands of rows must not become reactive proxies.

import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { OperationName, Operations } from '../analysis/protocol';
import { CancelledError, SupersededError } from '../analysis/service';
import type { AnalysisJob, AnalysisService } from '../analysis/service';
import type { AnalysisResult, Catalog, Progress } from '../analysis/types';
import { useContextStore } from './context';
import { useInputsStore } from './inputs';
import { useUiStore } from './ui';

export const EMPTY_CATALOG: Catalog = { modules: [], kernels: [], qemus: [], rules: [], formats: [] };

export const useAnalysisStore = defineStore('analysis', () => {
  const result = shallowRef<AnalysisResult | null>(null);
  const catalog = shallowRef<Catalog>(EMPTY_CATALOG);
  const running = ref(false);
  const progress = ref<Progress | null>(null);
  const error = ref<string | null>(null);
  /** Increases with every finished analysis (views use it to know the grid changed). */
  const revision = ref(0);
  /** The last analysis was cancelled: what is shown is older than the inputs and context. */
  const stale = ref(false);

  let service: AnalysisService | null = null;
  let current: AnalysisJob<AnalysisResult> | null = null;
  let lastRequest = 0;
  /** Inputs already reported as unreadable (each is said once, not at every re-analysis). */
  const reportedProblems = new Set<string>();

  function reportUnreadable(value: AnalysisResult): void {
    const fresh = value.inputs.filter((r) => (r.status === 'unrecognised' || r.status === 'error') && !reportedProblems.has(`${r.id}|${r.problems.join()}`));
    for (const r of fresh) reportedProblems.add(`${r.id}|${r.problems.join()}`);
    if (fresh.length === 0) return;
    useUiStore().toast(
      'warning',
      fresh.length === 1 ? 'One input could not be used' : `${fresh.length} inputs could not be used`,
      fresh.map((r) => `${r.path}: ${r.problems[0] ?? r.reason}`),
    );
  }

  const reconciliation = computed(() => result.value?.reconciliation ?? null);

  function attach(s: AnalysisService): void {
    service = s;
  }

  function requireService(): AnalysisService {
    if (!service) throw new Error('analysis service not attached');
    return service;
  }

  /** Runs any operation through the same worker, with progress shown in the status bar. */
  function run<K extends OperationName>(op: K, request: Operations[K]['request']): AnalysisJob<Operations[K]['result']> {
    return requireService().run(op, request, (p) => (progress.value = p));
  }

  async function loadCatalog(): Promise<void> {
    try {
      catalog.value = markRaw(await run('catalog', null).promise);
    } catch (e) {
      useUiStore().toast('error', 'Could not load the knowledge base', [e instanceof Error ? e.message : String(e)]);
    }
  }

  /** Analyses the current inputs and context; a newer call supersedes an older one. */
  async function analyse(): Promise<void> {
    const inputs = useInputsStore();
    const context = useContextStore();
    const request = ++lastRequest;
    running.value = true;
    progress.value = null;
    performance.mark('analysis:request');
    const job = run('analyse', { inputs: inputs.forAnalysis, context: context.options });
    current = job;
    try {
      const value = await job.promise;
      if (request !== lastRequest) return;
      result.value = markRaw(value);
      error.value = null;
      stale.value = false;
      reportUnreadable(value);
      revision.value++;
      performance.mark('analysis:result', {
        // Epoch times (`...At`) as this page's mark times.
        detail: Object.fromEntries(Object.entries(value.timings).map(([k, v]) => [k, k.endsWith('At') && typeof v === 'number' ? v - performance.timeOrigin : v])),
      });
    } catch (e) {
      if (e instanceof SupersededError) return;
      if (request !== lastRequest) return;
      if (e instanceof CancelledError) {
        stale.value = true;
        useUiStore().toast('info', 'Analysis cancelled', result.value ? ['The previous result is still shown; run the analysis again from the status bar.'] : undefined);
        return;
      }
      error.value = e instanceof Error ? e.message : String(e);
      useUiStore().toast('error', 'Analysis failed', [error.value]);
    } finally {
      if (request === lastRequest) {
        running.value = false;
        progress.value = null;
        current = null;
      }
    }
  }

  function cancel(): void {
    current?.cancel();
  }

  return { result, catalog, running, progress, error, revision, stale, reconciliation, attach, run, loadCatalog, analyse, cancel };
});
