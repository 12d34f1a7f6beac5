// Short layer names for narrow column headers, and severity ordering.

import type { Severity } from '../../../shared/engine/types';
import type { LayerId } from '../../../shared/model/layers';

export const LAYER_SHORT: Readonly<Record<LayerId, string>> = {
  host: 'host',
  kvmSupported: 'kvm',
  tdxCaps: 'caps',
  qemuSupported: 'qemu',
  requested: 'req',
  initVm: 'init',
  td: 'td',
  setCpuid: 'set',
  guest: 'guest',
};

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export function worstSeverity(list: readonly (Severity | undefined)[]): Severity | null {
  let worst: Severity | null = null;
  for (const s of list) if (s && (worst === null || RANK[s] < RANK[worst])) worst = s;
  return worst;
}

export const SEVERITY_ICON: Readonly<Record<Severity, string>> = { error: '✖', warning: '▲', info: '●' };
