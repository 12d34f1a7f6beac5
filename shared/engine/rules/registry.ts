// The rule registry: the CLI (`tdx-cpuid rules`), the UI and the reports read this one list.
// Adding a rule is one file in this folder and one line below (README.md).

import { moduleInitVerify } from './module-init-verify';
import type { Rule, RuleMeta } from './types';

export const RULES: readonly Rule[] = [
  // one line per rule
  moduleInitVerify,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Metadata of every rule, sorted by id (for `tdx-cpuid rules --json`). */
export function ruleMetas(): RuleMeta[] {
  return RULES.map((r) => r.meta).sort((a, b) => a.id.localeCompare(b.id));
}
