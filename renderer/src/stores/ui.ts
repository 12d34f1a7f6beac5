// View state: which view is shown, the inspector, theme, dialogs, palette, toasts.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Settings, ThemeSource } from '../../../shared/api/bridge';

export type ViewId = 'grid' | 'registerMap' | 'compare' | 'baseline' | 'findings' | 'sources';

export const VIEWS: readonly { readonly id: ViewId; readonly title: string }[] = [
  { id: 'grid', title: 'Grid' },
  { id: 'registerMap', title: 'Register map' },
  { id: 'findings', title: 'Findings' },
  { id: 'sources', title: 'Sources' },
  { id: 'compare', title: 'Compare' },
  { id: 'baseline', title: 'Baseline' },
];

export function isViewId(s: unknown): s is ViewId {
  return typeof s === 'string' && VIEWS.some((v) => v.id === s);
}

export type ToastKind = 'error' | 'warning' | 'info';

export interface Toast {
  readonly id: number;
  readonly kind: ToastKind;
  readonly title: string;
  readonly detail?: readonly string[];
}

export type DialogId = 'about' | 'shortcuts' | null;
export type MapMode = 'class' | 'disagreement';

export const useUiStore = defineStore('ui', () => {
  const view = ref<ViewId>('grid');
  const inspectorOpen = ref(true);
  const theme = ref<ThemeSource>('system');
  const prefersDark = ref(false);
  const paletteOpen = ref(false);
  const dialog = ref<DialogId>(null);
  const mapMode = ref<MapMode>('class');
  const toasts = ref<Toast[]>([]);
  let nextToast = 1;

  const dark = computed(() => (theme.value === 'system' ? prefersDark.value : theme.value === 'dark'));

  function show(id: ViewId): void {
    view.value = id;
  }

  function applySettings(s: Settings): void {
    theme.value = s.theme;
    prefersDark.value = s.prefersDark;
  }

  function toast(kind: ToastKind, title: string, detail?: readonly string[]): number {
    const id = nextToast++;
    toasts.value = [...toasts.value.slice(-4), { id, kind, title, ...(detail && detail.length ? { detail } : {}) }];
    return id;
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  return { view, inspectorOpen, theme, prefersDark, dark, paletteOpen, dialog, mapMode, toasts, show, applySettings, toast, dismiss };
});
