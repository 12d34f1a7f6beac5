// The rule registry: the CLI (`tdx-cpuid rules`), the UI and the reports read this one list.
// Adding a rule is one file in this folder and one line below (README.md).

import { moduleInitVerify } from './module-init-verify';
import { lpInconsistent } from './lp-inconsistent';
import { fmsMinStepping } from './fms-min-stepping';
import { configNotConfigurable } from './config-not-configurable';
import { kvmRejectsConfig } from './kvm-rejects-config';
import { attrsOrXfamUnsupported } from './attrs-or-xfam-unsupported';
import { tscFrequency } from './tsc-frequency';
import { namedCpuModel } from './named-cpu-model';
import { requestedUnavailable } from './requested-unavailable';
import { forcedOn } from './forced-on';
import { hostLacks } from './host-lacks';
import { qemuWarningsCheck } from './qemu-warnings-check';
import { qemuTableStale } from './qemu-table-stale';
import { kvmViewMismatch } from './kvm-view-mismatch';
import { predictionMismatch } from './prediction-mismatch';
import { guestDiffers } from './guest-differs';
import { guestControlled } from './guest-controlled';
import { veLeaf } from './ve-leaf';
import { unknownVersion } from './unknown-version';
import { seamcallError } from './seamcall-error';
import { moduleTooOldForKvm } from './module-too-old-for-kvm';
import { tdxHostDisabled } from './tdx-host-disabled';
import type { Rule, RuleMeta } from './types';

export const RULES: readonly Rule[] = [
  // one line per rule
  moduleInitVerify,
  lpInconsistent,
  fmsMinStepping,
  configNotConfigurable,
  kvmRejectsConfig,
  attrsOrXfamUnsupported,
  tscFrequency,
  namedCpuModel,
  requestedUnavailable,
  forcedOn,
  hostLacks,
  qemuWarningsCheck,
  qemuTableStale,
  kvmViewMismatch,
  predictionMismatch,
  guestDiffers,
  guestControlled,
  veLeaf,
  unknownVersion,
  seamcallError,
  moduleTooOldForKvm,
  tdxHostDisabled,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Metadata of every rule, sorted by id (for `tdx-cpuid rules --json`). */
export function ruleMetas(): RuleMeta[] {
  // By code unit, not localeCompare: the order must not depend on the machine's locale, and
  // the first localeCompare loads ICU's collation data (~30 ms, in the UI worker's start-up).
  return RULES.map((r) => r.meta).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
