// Runs the registered rules over a pipeline state and turns their results into findings,
// sorted by severity, rule id and first bit (cli-contract: deterministic output).

import type { BitAddress } from '../../model/address';
import { compareBitAddress } from '../../model/address';
import type { EngineState } from '../pipeline';
import { bitRow, buildBitRows } from '../rows';
import type { BitRow, Finding, Severity } from '../types';
import { RULES } from './registry';
import type { Rule, RuleContext } from './types';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export function ruleContext(state: EngineState, rows?: () => readonly BitRow[]): RuleContext {
  let cached: readonly BitRow[] | undefined;
  return {
    inputs: state.inputs,
    options: state.options,
    context: state.context,
    module: state.module,
    kvm: state.context.kernel.kvm,
    qemu: state.context.qemu.tables,
    host: state.host,
    hasHost: state.hasHost,
    hosts: state.hosts,
    guestDump: state.inputs.guest,
    layers: state.layers,
    origin: state.origin,
    state,
    bits() {
      if (!cached) cached = rows ? rows() : buildBitRows(state);
      return cached;
    },
    bit(a: BitAddress) {
      return bitRow(state, a);
    },
  };
}

function compareFindings(a: Finding, b: Finding): number {
  const s = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
  if (s) return s;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  const x = a.bits[0];
  const y = b.bits[0];
  if (x && y) {
    const c = compareBitAddress(x, y);
    if (c) return c;
  } else if (x || y) return x ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function runRules(ctx: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    let results;
    try {
      results = rule.check(ctx);
    } catch (e) {
      // A broken rule must not take the analysis down; it reports itself instead.
      results = [{ bits: [], message: `rule ${rule.meta.id} failed: ${e instanceof Error ? e.message : String(e)}`, severity: 'info' as const }];
    }
    for (const r of results) {
      out.push({
        rule: rule.meta.id,
        severity: r.severity ?? rule.meta.severity,
        bits: [...r.bits].sort(compareBitAddress),
        layers: r.layers ?? rule.meta.layers,
        message: r.message,
        source: rule.meta.source,
      });
    }
  }
  return out.sort(compareFindings);
}
