// Report of one reconciliation (`tdx-cpuid reconcile` / `report`): inputs, context and
// assumptions, findings as sections with their bits' layer values and reason chains,
// the register map coloured by class, the disagreement table and the optional appendix.

import { bitKey, compareRegAddress, formatBit, formatLeafKey, hex32 } from '../model/address';
import type { BitAddress } from '../model/address';
import { LAYER_IDS, LAYER_SYMBOL, LAYER_TITLE } from '../model/layers';
import type { LayerId } from '../model/layers';
import type { BitRow, FieldRow, Finding, PipelineStatus, Reconciliation, RegisterCheckFailure } from '../engine/types';
import type { ContextItem, Report, ReportInput, ReportOptions, ReportRow, ReportSection, ReportTable, ValueColumn } from './model';
import { REPORT_SCHEMA } from './model';
import { ruleById } from '../engine/rules/registry';
import { bitValue, countSeverities, DEFAULT_GENERATOR, registerMapFromRows, reportDate, sortRows } from './rows';
import { describeAttributes, describeXfam } from './td-config-names';
import { baseName, plural } from './text';

function layerValues<V>(values: Readonly<Record<LayerId, V | null>>, columns: readonly ValueColumn[]): Readonly<Record<string, V | null>> {
  // Every layer shown and every key present: the engine's (immutable) object serves as is.
  if (columns.length === LAYER_IDS.length && LAYER_IDS.every((id) => values[id] !== undefined)) return values;
  const out: Record<string, V | null> = {};
  for (const c of columns) out[c.key] = values[c.key as LayerId] ?? null;
  return out;
}

function fromBitRow(b: BitRow, columns: readonly ValueColumn[]): ReportRow {
  return {
    leaf: b.leaf,
    subleaf: b.subleaf,
    reg: b.reg,
    bit: b.bit,
    bits: null,
    name: b.name,
    class: b.class,
    // The engine's arrays are immutable: shared, not copied (13 000 rows per host).
    gates: b.gates,
    values: layerValues(b.values, columns),
    decidedBy: b.decidedBy,
    disagreement: b.disagreement,
    reasons: b.guestControlled ? [...b.reasons, 'the guest may change this bit at run time (#VE reduction)'] : b.reasons,
  };
}

function fromFieldRow(f: FieldRow, columns: readonly ValueColumn[]): ReportRow {
  return {
    leaf: f.leaf,
    subleaf: f.subleaf,
    reg: f.reg,
    bit: null,
    bits: [f.bits[0], f.bits[1]],
    name: f.name,
    class: f.class,
    gates: f.gates,
    values: layerValues(f.values, columns),
    decidedBy: f.decidedBy,
    disagreement: f.disagreement,
    reasons: f.reasons,
  };
}

/** Layers that have a value somewhere (the others would be columns of dots). */
function layerColumns(rec: Reconciliation): ValueColumn[] {
  const used = new Set<LayerId>();
  for (const id of LAYER_IDS) {
    const has = (r: BitRow | FieldRow): boolean => r.values[id] !== null && r.values[id] !== undefined;
    if (rec.bits.some(has) || rec.fields.some(has)) used.add(id);
  }
  return LAYER_IDS.filter((id) => used.has(id)).map((id) => ({
    key: id,
    symbol: LAYER_SYMBOL[id],
    title: LAYER_TITLE[id],
    origin: rec.layerOrigin[id] ?? null,
  }));
}

function sameField(f: FieldRow, a: BitAddress): boolean {
  return f.leaf === a.leaf && f.subleaf === a.subleaf && f.reg === a.reg && a.bit >= f.bits[0] && a.bit <= f.bits[1];
}

function findingHeading(f: Finding): string {
  const shown = f.bits.slice(0, 3).map(formatBit).join(', ');
  const more = f.bits.length > 3 ? ` and ${f.bits.length - 3} more` : '';
  if (shown) return `${f.rule}: ${shown}${more}`;
  // A finding about a whole leaf or the configuration names no bit: say what the rule is about.
  const title = ruleById(f.rule)?.meta.title;
  return title ? `${f.rule}: ${title}` : f.rule;
}

function findingSection(
  f: Finding,
  index: number,
  bitRows: ReadonlyMap<string, RowEntry>,
  rec: Reconciliation,
  columns: readonly ValueColumn[],
): ReportSection {
  const rows: ReportRow[] = [];
  const seen = new Set<string>();
  const otherBits: string[] = [];
  for (const a of f.bits) {
    const key = bitKey(a);
    const row = bitRows.get(key)?.row();
    if (row) {
      if (!seen.has(key)) rows.push(row);
      seen.add(key);
      continue;
    }
    const field = rec.fields.find((x) => sameField(x, a));
    if (field) {
      const fkey = `${field.leaf}:${field.subleaf ?? '-'}:${field.reg}:${field.bits[0]}-${field.bits[1]}`;
      if (!seen.has(fkey)) rows.push(fromFieldRow(field, columns));
      seen.add(fkey);
      continue;
    }
    otherBits.push(formatBit(a));
  }
  return {
    id: `s${index + 1}`,
    rule: f.rule,
    severity: f.severity,
    heading: findingHeading(f),
    message: f.message,
    source: f.source,
    layers: [...f.layers],
    rows: sortRows(rows),
    otherBits,
  };
}

function contextItems(rec: Reconciliation, columns: readonly ValueColumn[]): ContextItem[] {
  const c = rec.context;
  const m = c.module;
  const moduleText = m.exact
    ? `${m.table} (exact${m.from === 'default' ? ', assumed' : `, from ${m.from}`})`
    : `${m.table} (nearest older table; ${m.requested ?? 'no version'} requested, from ${m.from})`;
  const items: ContextItem[] = [
    { key: 'module', label: 'TDX module table', value: moduleText },
    { key: 'kernel', label: 'Kernel (KVM)', value: c.kernel === c.kernelTable ? c.kernel : `${c.kernel} (KVM table ${c.kernelTable})` },
    { key: 'qemu', label: 'QEMU', value: c.qemu === c.qemuTable ? c.qemu : `${c.qemu} (QEMU tables ${c.qemuTable})` },
    { key: 'cpu', label: 'QEMU -cpu', value: c.cpu },
    { key: 'pmu', label: 'PMU', value: c.pmu ? 'on' : 'off' },
    { key: 'attributes', label: 'TD ATTRIBUTES', value: describeAttributes(c.attributes) },
    { key: 'xfam', label: 'XFAM', value: describeXfam(c.xfam) },
    { key: 'tscKhz', label: 'TSC frequency', value: c.tscKhz === null ? 'host frequency' : `${c.tscKhz} kHz` },
  ];
  if (rec.predicted.faultingLeaves.length > 0) {
    items.push({ key: 'faultingLeaves', label: 'Faulting leaves (#VE)', value: rec.predicted.faultingLeaves.map(formatLeafKey).join(', ') });
  }
  if (rec.predicted.guestVeLeaves.length > 0) {
    items.push({ key: 'guestVeLeaves', label: 'Leaves the guest reads as 0 (#VE)', value: rec.predicted.guestVeLeaves.map(formatLeafKey).join(', ') });
  }
  // The layers shown as table columns, with where their values come from.
  items.push({ key: 'layers', label: 'Layers (table columns)', value: columns.map((c) => `${c.symbol} ${c.title}: ${c.origin ?? 'absent'}`).join('; ') });
  return items;
}

/**
 * How far the predicted configuration gets (module init, QEMU, KVM, TDH.MNG.INIT), in words:
 * the first thing a reader of a failing bug report looks for.
 */
function pipelineItems(status: PipelineStatus): ContextItem[] {
  const check = (failures: readonly RegisterCheckFailure[]): string =>
    failures.map((f) => `${formatLeafKey(f)}.${f.reg.toUpperCase()} bits ${hex32(f.bits)} (found ${hex32(f.found)}, expected ${hex32(f.expected)})`).join('; ');
  const init =
    status.moduleInitializes === null
      ? 'unknown (no host dump)'
      : status.moduleInitializes
        ? 'yes'
        : `no: verify masks fail on ${check(status.moduleInitFailures)}`;
  const tdInit =
    status.tdInitError === null
      ? 'succeeds'
      : `fails with ${status.tdInitError}${status.tdInitFailures.length ? `: ${status.tdInitFailures.map((f) => f.message).join('; ')}` : ''}`;
  return [
    { key: 'tdCreated', label: 'TD created', value: status.tdCreated ? 'yes' : 'no' },
    { key: 'moduleInitializes', label: 'Module initializes on the host', value: init },
    { key: 'qemuAccepts', label: 'QEMU accepts the configuration', value: status.qemuRejects.length ? `no: ${status.qemuRejects.join('; ')}` : 'yes' },
    { key: 'kvmAccepts', label: 'KVM_TDX_INIT_VM accepts it', value: status.kvmRejects.length ? `no: ${status.kvmRejects.join('; ')}` : 'yes' },
    { key: 'tdInit', label: 'TDH.MNG.INIT', value: tdInit },
  ];
}

function defaultTitle(inputs: readonly ReportInput[]): string {
  const host = inputs.find((i) => i.layer === 'host') ?? inputs[0];
  return host ? `TDX CPUID report: ${baseName(host.path)}` : 'TDX CPUID report';
}

export function reportInputs(rec: { readonly inputs: Reconciliation['inputs'] }, opts: ReportOptions): ReportInput[] {
  return rec.inputs.map((i) => ({
    path: i.path,
    sha256: i.sha256,
    format: i.format,
    layer: i.layer,
    detail: opts.inputDetails?.[i.path] ?? null,
  }));
}

/** One engine row (bit or field) and, once needed, its report row (reading the reason chain costs). */
class RowEntry {
  private full: ReportRow | null = null;
  constructor(
    readonly engine: BitRow | FieldRow,
    private readonly columns: readonly ValueColumn[],
  ) {}
  get isField(): boolean {
    return 'bits' in this.engine;
  }
  row(): ReportRow {
    return (this.full ??= this.isField ? fromFieldRow(this.engine as FieldRow, this.columns) : fromBitRow(this.engine as BitRow, this.columns));
  }
  /** Enough for the register map: no reasons. */
  mapRow(): ReportRow {
    const e = this.engine;
    const field = this.isField ? (e as FieldRow).bits : null;
    return {
      leaf: e.leaf,
      subleaf: e.subleaf,
      reg: e.reg,
      bit: field ? null : (e as BitRow).bit,
      bits: field ? [field[0], field[1]] : null,
      name: e.name,
      class: e.class,
      gates: [],
      values: { td: e.values.td },
      decidedBy: null,
      disagreement: e.disagreement,
      reasons: [],
    };
  }
  /**
   * Worth a line in the appendix: named, a field, a disagreement, or 1 in some layer. The
   * rest (unnamed bits 0 or unknown everywhere: reserved bits, leaves absent from the module
   * table) are counted in the note; the register map still shows them.
   */
  informative(): boolean {
    const e = this.engine;
    if (e.name !== null || this.isField || e.disagreement) return true;
    for (const id of LAYER_IDS) {
      const v = e.values[id];
      if (v !== null && v !== undefined && v !== 0) return true;
    }
    return false;
  }
}

function entryLow(e: RowEntry): number {
  return 'bits' in e.engine ? e.engine.bits[0] : e.engine.bit;
}

function compareEntries(a: RowEntry, b: RowEntry): number {
  return compareRegAddress(a.engine, b.engine) || entryLow(a) - entryLow(b) || (a.isField ? 1 : 0) - (b.isField ? 1 : 0);
}

function appendixTable(entries: readonly RowEntry[]): ReportTable {
  const kept = entries.filter((e) => e.informative());
  const left = entries.length - kept.length;
  return {
    title: 'Appendix: the bit table',
    note:
      left === 0
        ? 'Every bit and field of the reconciliation.'
        : `Every named bit, every field, every disagreement and every bit that is 1 in some layer; ${plural(left, 'other bit')} (unnamed, 0 or unknown in every layer, layers agreeing) left out.`,
    rows: kept.map((e) => e.row()),
  };
}

export function reconcileReport(rec: Reconciliation, opts: ReportOptions = {}): Report {
  const columns = layerColumns(rec);
  const entries = [...rec.bits, ...rec.fields].map((r) => new RowEntry(r, columns)).sort(compareEntries);
  const byBit = new Map<string, RowEntry>();
  for (const e of entries) if (!e.isField) byBit.set(bitKey(e.engine as BitRow), e);
  const sections = rec.findings.map((f, i) => findingSection(f, i, byBit, rec, columns));
  const differences = entries.filter((e) => e.engine.disagreement).map((e) => e.row());
  const inputs = reportInputs(rec, opts);
  const tdCaptured = rec.layerOrigin.td === 'captured';
  const counts = countSeverities(sections);
  return {
    schema: REPORT_SCHEMA,
    kind: 'reconcile',
    title: opts.title ?? defaultTitle(inputs),
    date: reportDate(opts),
    generator: opts.generator ?? DEFAULT_GENERATOR,
    inputs,
    context: { items: contextItems(rec, columns), assumptions: [...rec.context.assumptions] },
    summary: {
      ...counts,
      rows: entries.length,
      differences: differences.length,
      extra: [
        ...pipelineItems(rec.predicted.status),
        { key: 'findings', label: 'Findings', value: String(sections.length) },
        { key: 'bits', label: 'Bits and fields analysed', value: String(entries.length) },
        { key: 'disagreements', label: 'Where layers disagree', value: plural(differences.length, 'bit') },
      ],
    },
    columns,
    sections,
    registerMap: registerMapFromRows(
      entries.map((e) => e.mapRow()),
      (r) => bitValue(r.values.td),
      (r) => r.class,
      {
        caption: 'Register map: every register the reconciliation covers, one cell per bit (31 on the left), filled by class',
        valueMeaning: tdCaptured ? 'captured TD value is 1' : 'predicted TD value is 1',
        markMeaning: 'layers disagree',
      },
    ),
    differences: {
      title: 'Bits whose layers disagree',
      note: differences.length === 0 ? 'All layers agree on every bit.' : null,
      rows: differences,
    },
    appendix: opts.appendix ? appendixTable(entries) : null,
  };
}
