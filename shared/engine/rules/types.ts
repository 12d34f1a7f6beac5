// A rule, ESLint-style: metadata plus one check function. Rules read the reconciliation and
// the intermediate data of the pipeline through RuleContext and return findings; the engine
// fills in `rule`, `severity` and `source` from the metadata, so a check only says what it
// found (bits, layers, message). See README.md in this folder for how to add one.

import type { BitAddress } from '../../model/address';
import type { CpuidDump } from '../../model/dump';
import type { LayerId } from '../../model/layers';
import type { KvmVersion } from '../../knowledge/kvm/kvm-knowledge';
import type { QemuTdxTables } from '../../knowledge/qemu/qemu-knowledge';
import type { ModuleTable } from '../../knowledge/tdx-module/module-table';
import type { ResolvedContext } from '../context';
import type { HostView } from '../host';
import type { Layer } from '../layer';
import type { EngineState } from '../pipeline';
import type { BitRow, ContextOptions, EngineInputs, Finding, LayerOrigin, Severity } from '../types';

export type FindingLayer = Finding['layers'][number];

export interface RuleMeta {
  /** Stable id (part of the CLI contract): `module-init-verify`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: "Host fails the module's CPUID verification". */
  readonly title: string;
  /** What the rule checks and what the user learns, in words. */
  readonly description: string;
  /** Where the rule comes from (document section, source file and version). */
  readonly source: string;
  /** Layers the rule compares. */
  readonly layers: readonly FindingLayer[];
}

/** What a check returns; the engine adds rule id, severity (unless overridden) and source. */
export interface RuleResult {
  readonly bits: readonly BitAddress[];
  readonly message: string;
  /** Defaults to the rule's layers. */
  readonly layers?: readonly FindingLayer[];
  /** Defaults to the rule's severity. */
  readonly severity?: Severity;
}

export interface RuleContext {
  readonly inputs: EngineInputs;
  readonly options: ContextOptions;
  /** Versions and configuration in effect, with where each came from. */
  readonly context: ResolvedContext;
  readonly module: ModuleTable;
  readonly kvm: KvmVersion;
  readonly qemu: QemuTdxTables;
  /** The platform view of the first host (empty when no host: check `hasHost`). */
  readonly host: HostView;
  readonly hasHost: boolean;
  /** Every host dump, per CPU (`host.dump.cpus`). */
  readonly hosts: readonly HostView[];
  readonly guestDump: CpuidDump | undefined;
  /** Effective layers (captured, else predicted) and where each came from. */
  readonly layers: Readonly<Record<LayerId, Layer | null>>;
  readonly origin: Readonly<Record<LayerId, LayerOrigin>>;
  /** Full pipeline state: predictions kept next to captured layers, notes, status. */
  readonly state: EngineState;
  /** Per-bit rows, built on first use (a rule that does not need them does not pay for them). */
  bits(): readonly BitRow[];
  /** One bit's row. */
  bit(a: BitAddress): BitRow;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): readonly RuleResult[];
}
