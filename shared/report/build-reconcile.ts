// Report of one reconciliation (`tdx-cpuid reconcile` / `report`): inputs, context and
// assumptions, findings as sections with their bits' layer values and reason chains,
// the register map coloured by class, the disagreement table and the optional appendix.

import { bitKey, formatBit, formatLeafKey, hex32 } from '../model/address';
import type { BitAddress } from '../model/address';
import { LAYER_IDS, LAYER_SYMBOL, LAYER_TITLE } from '../model/layers';
import type { LayerId } from '../model/layers';
import type { BitRow, FieldRow, Finding, PipelineStatus, Reconciliation, RegisterCheckFailure } from '../engine/types';
import type { ContextItem, Report, ReportInput, ReportOptions, ReportRow, ReportSection, ValueColumn } from './model';
import { REPORT_SCHEMA } from './model';
import { bitValue, countSeverities, DEFAULT_GENERATOR, registerMapFromRows, reportDate, sortRows } from './rows';
import { describeAttributes, describeXfam } from './td-config-names';
import { baseName, plural } from './text';

function layerValues<V>(values: Readonly<Record<LayerId, V | null>>, columns: readonly ValueColumn[]): Record<string, V | null> {
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
    gates: [...b.gates],
    values: layerValues(b.values, columns),
    decidedBy: b.decidedBy,
    disagreement: b.disagreement,
    reasons: [...b.reasons, ...(b.guestControlled ? ['the guest may change this bit at run time (#VE reduction)'] : [])],
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
    gates: [...f.gates],
    values: layerValues(f.values, columns),
    decidedBy: f.decidedBy,
    disagreement: f.disagreement,
    reasons: [...f.reasons],
  };
}

/** Layers that have a value somewhere (the others would be columns of dots). */
function layerColumns(rec: Reconciliation): ValueColumn[] {
  const used = new Set<LayerId>();
  for (const rows of [rec.bits, rec.fields]) {
    for (const r of rows) for (const id of LAYER_IDS) if (r.values[id] !== null && r.values[id] !== undefined) used.add(id);
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
  return shown ? `${f.rule}: ${shown}${more}` : f.rule;
}

function findingSection(
  f: Finding,
  index: number,
  bitRows: ReadonlyMap<string, ReportRow>,
  rec: Reconciliation,
  columns: readonly ValueColumn[],
): ReportSection {
  const rows: ReportRow[] = [];
  const seen = new Set<string>();
  const otherBits: string[] = [];
  for (const a of f.bits) {
    const key = bitKey(a);
    const row = bitRows.get(key);
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
    { key: 'kernel', label: 'Kernel (KVM)', value: c.kernel },
    { key: 'qemu', label: 'QEMU', value: c.qemu },
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
  for (const col of columns) {
    items.push({ key: `layer.${col.key}`, label: `${col.symbol} = ${col.title}`, value: col.origin ?? 'absent' });
  }
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

export function reconcileReport(rec: Reconciliation, opts: ReportOptions = {}): Report {
  const columns = layerColumns(rec);
  const bitRows = new Map<string, ReportRow>();
  for (const b of rec.bits) bitRows.set(bitKey(b), fromBitRow(b, columns));
  const allRows = sortRows([...bitRows.values(), ...rec.fields.map((f) => fromFieldRow(f, columns))]);
  const sections = rec.findings.map((f, i) => findingSection(f, i, bitRows, rec, columns));
  const differences = allRows.filter((r) => r.disagreement);
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
      rows: allRows.length,
      differences: differences.length,
      extra: [
        ...pipelineItems(rec.predicted.status),
        { key: 'findings', label: 'Findings', value: String(sections.length) },
        { key: 'bits', label: 'Bits and fields analysed', value: String(allRows.length) },
        { key: 'disagreements', label: 'Where layers disagree', value: plural(differences.length, 'bit') },
      ],
    },
    columns,
    sections,
    registerMap: registerMapFromRows(
      allRows,
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
    appendix: opts.appendix ? { title: 'Appendix: every bit and field', note: null, rows: allRows } : null,
  };
}
