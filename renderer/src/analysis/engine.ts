// The engine entry points the analysis uses (shared/engine), in one place.

import type { ContextOptions, EngineInputs, Reconciliation } from '../../../shared/engine/types';
import type { RuleInfo } from './types';

export function reconcile(_inputs: EngineInputs, _options: ContextOptions): Reconciliation {
  throw new Error('the reconciliation engine is not built yet');
}

export function ruleInfos(): RuleInfo[] {
  return [];
}
