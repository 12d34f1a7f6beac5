// Compare (two hosts, two captures of one layer, two module versions) and baseline
// (N hosts). Both run in the analysis worker; they re-run when their choices, the inputs
// or the context change.

import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import { LAYER_SYMBOL } from '../../../shared/model/layers';
import type { LayerId } from '../../../shared/model/layers';
import { CancelledError, SupersededError } from '../analysis/service';
import type { BaselineResult, CompareMode, CompareResult, InputReport } from '../analysis/types';
import { useAnalysisStore } from './analysis';
import { useContextStore } from './context';
import { useInputsStore } from './inputs';
import { useUiStore } from './ui';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

/** "Xeon Bronze 3408U (host-cpuid-….xml)": the CPU first, it is what tells hosts apart. */
function inputLabel(r: InputReport): string {
  const name = r.path.split('/').pop() ?? r.path;
  const brand = r.cpu?.brand?.replace(/\((R|TM)\)/gi, '').replace(/\s+CPU\b.*$/i, '').replace(/\s+/g, ' ').trim();
  return brand ? `${brand} (${name})` : name;
}

export const useCompareStore = defineStore('compare', () => {
  const analysis = useAnalysisStore();
  const inputs = useInputsStore();
  const context = useContextStore();

  const mode = ref<CompareMode>('hosts');
  const a = ref('');
  const b = ref('');
  const result = shallowRef<CompareResult | null>(null);
  const running = ref(false);
  const error = ref<string | null>(null);

  const baselineHosts = ref<string[]>([]);
  const baseline = shallowRef<BaselineResult | null>(null);
  const baselineRunning = ref(false);
  const baselineError = ref<string | null>(null);

  const reports = computed(() => (analysis.result?.inputs ?? []).filter((r) => r.status === 'ok'));

  const hostChoices = computed<Choice[]>(() =>
    reports.value.filter((r) => r.layer === 'host').map((r) => ({ value: r.id, label: inputLabel(r) })),
  );

  /** Captured CPUID values: CPUID dumps (host or guest) and KVM captures, compared raw. */
  const captureChoices = computed<Choice[]>(() =>
    reports.value
      .filter((r) => r.layer && r.layer !== 'context' && r.layer !== 'requested')
      .map((r) => ({ value: r.id, label: `${LAYER_SYMBOL[r.layer as LayerId]} · ${inputLabel(r)}` })),
  );

  const moduleChoices = computed<Choice[]>(() => analysis.catalog.modules.map((m) => ({ value: m.version, label: m.version })));

  const choices = computed<Choice[]>(() =>
    mode.value === 'hosts' ? hostChoices.value : mode.value === 'captures' ? captureChoices.value : moduleChoices.value,
  );

  /** Picks sensible defaults: the first two choices, or the last two module versions. */
  function fillDefaults(): void {
    const list = choices.value.map((c) => c.value);
    if (!list.includes(a.value)) a.value = mode.value === 'modules' ? (list[list.length - 2] ?? '') : (list[0] ?? '');
    if (!list.includes(b.value) || b.value === a.value) b.value = list.find((v) => v !== a.value && (mode.value !== 'modules' || v > a.value)) ?? list.find((v) => v !== a.value) ?? '';
  }

  async function runCompare(): Promise<void> {
    if (!a.value || !b.value || a.value === b.value) {
      result.value = null;
      return;
    }
    running.value = true;
    error.value = null;
    try {
      const value = await analysis.run('compare', {
        mode: mode.value,
        inputs: inputs.forAnalysis,
        context: context.options,
        a: a.value,
        b: b.value,
      }).promise;
      result.value = markRaw(value);
    } catch (e) {
      if (e instanceof SupersededError) return;
      if (e instanceof CancelledError) useUiStore().toast('info', 'Comparison cancelled');
      else error.value = e instanceof Error ? e.message : String(e);
    } finally {
      running.value = false;
    }
  }

  async function runBaseline(): Promise<void> {
    const hosts = baselineHosts.value.filter((h) => hostChoices.value.some((c) => c.value === h));
    if (hosts.length < 2) {
      baseline.value = null;
      return;
    }
    baselineRunning.value = true;
    baselineError.value = null;
    try {
      const value = await analysis.run('baseline', { inputs: inputs.forAnalysis, context: context.options, hosts }).promise;
      baseline.value = markRaw(value);
    } catch (e) {
      if (e instanceof SupersededError) return;
      if (e instanceof CancelledError) useUiStore().toast('info', 'Baseline cancelled');
      else baselineError.value = e instanceof Error ? e.message : String(e);
    } finally {
      baselineRunning.value = false;
    }
  }

  const ui = useUiStore();
  watch(
    [mode, choices],
    () => {
      fillDefaults();
    },
    { immediate: true },
  );
  watch([mode, a, b, () => analysis.revision, () => ui.view], () => {
    if (ui.view === 'compare') void runCompare();
  });
  watch(hostChoices, (list) => {
    // New hosts join the baseline selection; removed ones leave it.
    const known = new Set(list.map((c) => c.value));
    const kept = baselineHosts.value.filter((h) => known.has(h));
    for (const c of list) if (!kept.includes(c.value)) kept.push(c.value);
    baselineHosts.value = kept;
  });
  watch([baselineHosts, () => analysis.revision, () => ui.view], () => {
    if (ui.view === 'baseline') void runBaseline();
  });

  return {
    mode,
    a,
    b,
    result,
    running,
    error,
    choices,
    hostChoices,
    captureChoices,
    moduleChoices,
    baselineHosts,
    baseline,
    baselineRunning,
    baselineError,
    runCompare,
    runBaseline,
  };
});
