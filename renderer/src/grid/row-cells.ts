// What one data row of the grid shows, computed once per row and reconciliation.

import type { BitClass, Severity } from '../../../shared/engine/types';

export interface LayerCell {
  readonly text: string;
  readonly cls: Readonly<Record<string, boolean>>;
  readonly title: string | undefined;
}

export interface RowCells {
  readonly address: string;
  readonly name: string | null;
  readonly disagree: boolean;
  readonly field: boolean;
  readonly tag: string;
  readonly cls: BitClass;
  readonly layers: readonly LayerCell[];
  readonly td: string;
  readonly decided: string;
  readonly decidedTitle: string;
  readonly guest: string;
  readonly findings: number;
  readonly severity: Severity | null;
}
