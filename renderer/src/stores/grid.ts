// The reconciliation grid's state: the flat model of the current reconciliation, the
// filters, and the selected bit (which the inspector, the register map and the findings
// panel share).

import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { BitClass, Finding } from '../../../shared/engine/types';
import { bitKey, parseBitAddress } from '../../../shared/model/address';
import type { BitAddress } from '../../../shared/model/address';
import { filterGrid, filtersActive, NO_FILTERS } from '../grid/filter';
import type { FilteredGrid, GridFilters } from '../grid/filter';
import { buildGridModel, EMPTY_MODEL, prepareSearch } from '../grid/model';
import type { GridModel, RowItem } from '../grid/model';
import { rowAt } from '../analysis/row-table';
import type { BitRow, FieldRow } from '../../../shared/engine/types';
import { useAnalysisStore } from './analysis';

/**
 * Runs work when the window is idle, asked for only after the current task (the one that
 * renders a new grid) has ended, so that asking costs the first paint nothing either.
 */
function whenIdle(work: () => void): void {
  setTimeout(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: 1000 });
    else setTimeout(work, 50);
  }, 0);
}

export const useGridStore = defineStore('grid', () => {
  const analysis = useAnalysisStore();

  const differencesOnly = ref(false);
  const findingsOnly = ref(false);
  const bitClass = ref<BitClass | ''>('');
  const leaf = ref('');
  const text = ref('');
  const finding = ref<number | null>(null);
  const selectedKey = ref<string | null>(null);
  /** Bumped to ask the grid to focus its search box (command `grid.focusSearch`). */
  const focusSearchRequest = ref(0);
  /** Bumped to ask the grid to scroll the selection into view. */
  const revealRequest = ref(0);

  const model = shallowRef<GridModel>(EMPTY_MODEL);
  watch(
    () => analysis.reconciliation,
    (rec) => {
      model.value = rec ? markRaw(buildGridModel(rec)) : EMPTY_MODEL;
      if (rec) prepareSearch(model.value, whenIdle);
      if (finding.value !== null && (!rec || finding.value >= rec.findings.length)) finding.value = null;
    },
    { immediate: true },
  );

  const filters = computed<GridFilters>(() => ({
    differencesOnly: differencesOnly.value,
    findingsOnly: findingsOnly.value,
    bitClass: bitClass.value,
    leaf: leaf.value,
    text: text.value,
    finding: finding.value,
  }));

  const filtered = computed<FilteredGrid>(() => markRaw(filterGrid(model.value, filters.value)));
  const active = computed(() => filtersActive(filters.value));

  const selected = computed<RowItem | null>(() => {
    const key = selectedKey.value;
    if (key === null) return null;
    const i = model.value.byKey.get(key);
    const item = i === undefined ? undefined : model.value.items[i];
    return item && item.kind !== 'group' ? item : null;
  });

  /** The selected row as the engine gave it (reasons included). */
  const selectedRow = computed<BitRow | FieldRow | null>(() => {
    const item = selected.value;
    return item ? rowAt(model.value.table, item.index) : null;
  });

  const selectedFindings = computed<readonly Finding[]>(() => {
    const rec = analysis.reconciliation;
    const item = selected.value;
    return rec && item ? item.findings.map((i) => rec.findings[i]!).filter(Boolean) : [];
  });

  function setFilters(f: Partial<GridFilters>): void {
    if (f.differencesOnly !== undefined) differencesOnly.value = f.differencesOnly;
    if (f.findingsOnly !== undefined) findingsOnly.value = f.findingsOnly;
    if (f.bitClass !== undefined) bitClass.value = f.bitClass;
    if (f.leaf !== undefined) leaf.value = f.leaf;
    if (f.text !== undefined) text.value = f.text;
    if (f.finding !== undefined) finding.value = f.finding;
  }

  function clearFilters(): void {
    setFilters(NO_FILTERS);
  }

  function select(key: string | null, reveal = false): void {
    selectedKey.value = key;
    if (reveal) revealRequest.value++;
  }

  function selectBit(address: BitAddress, reveal = true): void {
    select(bitKey(address), reveal);
  }

  /** `7.0.EBX[16]`-style text or a key; returns false when no such bit is in the grid. */
  function selectAddress(textAddress: string): boolean {
    const a = parseBitAddress(textAddress);
    const key = a ? bitKey(a) : textAddress;
    if (!model.value.byKey.has(key)) return false;
    select(key, true);
    return true;
  }

  /** Shows only the bits of one finding and selects its first bit. */
  function focusFinding(index: number | null): void {
    finding.value = index;
    const rec = analysis.reconciliation;
    const f = index === null || !rec ? undefined : rec.findings[index];
    const first = f?.bits.find((b) => model.value.byKey.has(bitKey(b)));
    if (first) selectBit(first);
  }

  return {
    differencesOnly,
    findingsOnly,
    bitClass,
    leaf,
    text,
    finding,
    selectedKey,
    focusSearchRequest,
    revealRequest,
    model,
    filters,
    filtered,
    active,
    selected,
    selectedRow,
    selectedFindings,
    setFilters,
    clearFilters,
    select,
    selectBit,
    selectAddress,
    focusFinding,
  };
});
