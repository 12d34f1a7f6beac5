// The user's context choices (the context bar): each overrides what the inputs say.
// Empty = let the inputs (or the engine's documented defaults) decide.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { WorkspaceContext } from '../../../shared/api/workspace';
import type { ContextOptions } from '../../../shared/engine/types';

export type ContextField = 'module' | 'kernel' | 'qemu' | 'cpu' | 'pmu' | 'attributes' | 'xfam' | 'tscKhz' | 'reduceVe';

const HEX64 = /^(0x)?[0-9a-f]{1,16}$/i;

/** `0x10000000`, `10000000` (hex) → bigint; anything else → null. */
export function parseHex64(text: string): bigint | null {
  const t = text.trim();
  if (!HEX64.test(t)) return null;
  return BigInt(t.toLowerCase().startsWith('0x') ? t : `0x${t}`);
}

export function formatHex64(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export const useContextStore = defineStore('context', () => {
  const module = ref('');
  const kernel = ref('');
  const qemu = ref('');
  const cpu = ref('');
  const pmu = ref<'' | 'on' | 'off'>('');
  const attributes = ref('');
  const xfam = ref('');
  const tscKhz = ref('');
  /** Guest #VE reduction (TD_CTLS.REDUCE_VE): '' = the engine's default (off). */
  const reduceVe = ref<'' | 'on' | 'off'>('');

  const errors = computed(() => {
    const out: Partial<Record<ContextField, string>> = {};
    if (attributes.value.trim() && parseHex64(attributes.value) === null) out.attributes = 'a 64-bit hex value, e.g. 0x10000000';
    if (xfam.value.trim() && parseHex64(xfam.value) === null) out.xfam = 'a 64-bit hex value, e.g. 0x61ae7';
    const tsc = tscKhz.value.trim();
    if (tsc && !(/^\d{1,9}$/.test(tsc) && Number(tsc) > 0)) out.tscKhz = 'a frequency in kHz, e.g. 2000000';
    if (cpu.value.length > 4096) out.cpu = 'at most 4096 characters';
    return out;
  });

  /** What the engine gets; invalid fields are left out (and shown as errors). */
  const options = computed<ContextOptions>(() => {
    const o: { -readonly [K in keyof ContextOptions]: ContextOptions[K] } = {};
    if (module.value.trim()) o.module = module.value.trim();
    if (kernel.value.trim()) o.kernel = kernel.value.trim();
    if (qemu.value.trim()) o.qemu = qemu.value.trim();
    if (cpu.value.trim()) o.cpu = cpu.value.trim();
    if (pmu.value) o.pmu = pmu.value === 'on';
    const a = parseHex64(attributes.value);
    if (attributes.value.trim() && a !== null) o.attributes = a;
    const x = parseHex64(xfam.value);
    if (xfam.value.trim() && x !== null) o.xfam = x;
    if (tscKhz.value.trim() && !errors.value.tscKhz) o.tscKhz = Number(tscKhz.value.trim());
    if (reduceVe.value) o.guestReduceVe = reduceVe.value === 'on';
    return o;
  });

  const overridden = computed(() => Object.keys(options.value).length);

  function reset(): void {
    module.value = kernel.value = qemu.value = cpu.value = attributes.value = xfam.value = tscKhz.value = '';
    pmu.value = '';
    reduceVe.value = '';
  }

  function apply(ws: WorkspaceContext): void {
    reset();
    module.value = ws.module ?? '';
    kernel.value = ws.kernel ?? '';
    qemu.value = ws.qemu ?? '';
    cpu.value = ws.cpu ?? '';
    pmu.value = ws.pmu === undefined ? '' : ws.pmu ? 'on' : 'off';
    attributes.value = ws.attributes ?? '';
    xfam.value = ws.xfam ?? '';
    tscKhz.value = ws.tscKhz === undefined ? '' : String(ws.tscKhz);
    reduceVe.value = ws.guestReduceVe === undefined ? '' : ws.guestReduceVe ? 'on' : 'off';
  }

  function toWorkspace(): WorkspaceContext {
    const o = options.value;
    return {
      ...(o.module ? { module: o.module } : {}),
      ...(o.kernel ? { kernel: o.kernel } : {}),
      ...(o.qemu ? { qemu: o.qemu } : {}),
      ...(o.cpu ? { cpu: o.cpu } : {}),
      ...(o.pmu !== undefined ? { pmu: o.pmu } : {}),
      ...(o.attributes !== undefined ? { attributes: formatHex64(o.attributes) } : {}),
      ...(o.xfam !== undefined ? { xfam: formatHex64(o.xfam) } : {}),
      ...(o.tscKhz !== undefined ? { tscKhz: o.tscKhz } : {}),
      ...(o.guestReduceVe !== undefined ? { guestReduceVe: o.guestReduceVe } : {}),
    };
  }

  return { module, kernel, qemu, cpu, pmu, attributes, xfam, tscKhz, reduceVe, errors, options, overridden, reset, apply, toWorkspace };
});
