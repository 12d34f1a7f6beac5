// Readable text and Markdown renderings of a reconciliation (`tdx-cpuid reconcile` without
// --json / with --md). Both show the same things in the same order: inputs, context and
// assumptions, whether each stage succeeds, findings, the named bits whose TD value differs
// from the host's (with the layer that decided it), and where layers disagree.

import type { BitRow, Reconciliation } from '../../../shared/engine/types';
import { formatBit } from '../../../shared/model/address';
import { SEVERITY_WORD, disagreements, findingBits, hex, hostToTdChanges, keyReason, leafLabel, v } from './words';

export interface ReportExtras {
  /** Inputs that feed no layer, with why. */
  readonly ignored?: readonly { readonly path: string; readonly why: string }[];
  /** Precomputed row selections (else taken from `bits`, which builds every row). */
  readonly changes?: readonly BitRow[];
  readonly disagreements?: readonly BitRow[];
}

function contextLines(r: Reconciliation): string[] {
  const c = r.context;
  const m = c.module;
  const moduleLine = `TDX module ${m.table}${m.requested && m.requested !== m.table ? ` (asked for ${m.requested}; ${m.exact ? 'exact' : 'nearest table'})` : ''} [from ${m.from}]`;
  return [
    moduleLine,
    `kernel ${c.kernel} (KVM table ${c.kernelTable}), QEMU ${c.qemu} (tables ${c.qemuTable})`,
    `-cpu ${c.cpu}, pmu ${c.pmu ? 'on' : 'off'}, attributes ${hex(c.attributes)}, XFAM ${hex(c.xfam)}, TSC ${c.tscKhz === null ? 'unknown' : `${c.tscKhz} kHz`}`,
  ];
}

function statusLines(r: Reconciliation): string[] {
  const s = r.predicted.status;
  const out: string[] = [];
  if (s.moduleInitializes === null) out.push('module initialization: not judged (no host CPUID)');
  else if (s.moduleInitializes) out.push('module initialization: passes the CPUID verification');
  else {
    out.push(`module initialization: FAILS - the module would not initialize on this host (${s.moduleInitFailures.length} register(s) fail verify_mask/verify_value); the TD below is shown for inspection only`);
  }
  out.push(s.qemuRejects.length ? `QEMU: refuses the TD - ${s.qemuRejects.join('; ')}` : 'QEMU: accepts the configuration');
  out.push(s.kvmRejects.length ? `KVM_TDX_INIT_VM: -EINVAL - ${s.kvmRejects.join('; ')}` : 'KVM_TDX_INIT_VM: accepts the payload');
  if (s.tdInitError) {
    const where = s.tdInitFailures.map((f) => `${leafLabel(f)}.${f.reg.toUpperCase()} bits ${hex(f.bits)} (${f.message})`).join('; ');
    out.push(`TDH.MNG.INIT: fails with ${s.tdInitError} (TDX_OPERAND_INVALID, CPUID_CONFIG): ${where}`);
  } else out.push('TDH.MNG.INIT: succeeds');
  out.push(`TD created: ${s.tdCreated ? 'yes' : 'no'}`);
  return out;
}

function changeLine(r: BitRow): string {
  return `${formatBit(r)} ${r.name}: host ${v(r.values.host)} -> TD ${v(r.values.td)} [${r.class}] ${keyReason(r)}`;
}

function disagreementLine(r: BitRow): string {
  const vals = (['host', 'tdxCaps', 'requested', 'initVm', 'td', 'setCpuid', 'guest'] as const).map((k) => `${k} ${v(r.values[k])}`).join(', ');
  return `${formatBit(r)}${r.name ? ` ${r.name}` : ''}: ${vals}`;
}

export function renderReconcileText(r: Reconciliation, extras: ReportExtras = {}): string {
  const out: string[] = ['TDX CPUID reconciliation', ''];
  out.push('Inputs:');
  if (r.inputs.length === 0) out.push('  (none)');
  for (const i of r.inputs) out.push(`  ${i.layer.padEnd(12)} ${i.format.padEnd(16)} ${i.path}  sha256:${i.sha256.slice(0, 12)}`);
  for (const i of extras.ignored ?? []) out.push(`  (not used)   ${i.path}: ${i.why}`);
  out.push('', 'Context:', ...contextLines(r).map((l) => `  ${l}`));
  out.push('', 'Assumed (no input said otherwise):', ...r.context.assumptions.map((a) => `  - ${a}`));
  out.push('', 'Status:', ...statusLines(r).map((l) => `  ${l}`));
  const s = r.summary;
  out.push('', `Findings: ${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info(s)`);
  for (const f of r.findings) {
    out.push(`  ${SEVERITY_WORD[f.severity]} ${f.rule}: ${f.message}`);
    if (f.bits.length) out.push(`    bits: ${findingBits(f)}`);
    out.push(`    source: ${f.source}`);
  }
  const changes = extras.changes ?? hostToTdChanges(r.bits);
  out.push('', `Named bits where the TD differs from the host (${changes.length}):`);
  for (const c of changes) out.push(`  ${changeLine(c)}`);
  const dis = extras.disagreements ?? disagreements(r.bits);
  out.push('', `Bits where layers disagree (${dis.length}):`);
  for (const d of dis.slice(0, 200)) out.push(`  ${disagreementLine(d)}`);
  if (dis.length > 200) out.push(`  ... and ${dis.length - 200} more (see --json)`);
  out.push('', `Use \`tdx-cpuid explain BIT ...\` for one bit's story; --json for every bit.`);
  return `${out.join('\n')}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderReconcileMarkdown(r: Reconciliation, extras: ReportExtras = {}): string {
  const out: string[] = ['# TDX CPUID reconciliation', '', '## Inputs', ''];
  out.push('| layer | format | path | SHA-256 |', '|---|---|---|---|');
  for (const i of r.inputs) out.push(`| ${i.layer} | ${i.format} | ${mdEscape(i.path)} | \`${i.sha256.slice(0, 16)}\` |`);
  for (const i of extras.ignored ?? []) out.push(`| (not used) | | ${mdEscape(i.path)} | ${mdEscape(i.why)} |`);
  out.push('', '## Context', '', ...contextLines(r).map((l) => `- ${l}`));
  out.push('', '### Assumed', '', ...r.context.assumptions.map((a) => `- ${a}`));
  out.push('', '## Status', '', ...statusLines(r).map((l) => `- ${l}`));
  const s = r.summary;
  out.push('', `## Findings (${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos)`, '');
  if (r.findings.length === 0) out.push('None.');
  else {
    out.push('| severity | rule | bits | message |', '|---|---|---|---|');
    for (const f of r.findings) out.push(`| ${f.severity} | \`${f.rule}\` | ${mdEscape(findingBits(f))} | ${mdEscape(f.message)} |`);
  }
  const changes = extras.changes ?? hostToTdChanges(r.bits);
  out.push('', `## Named bits where the TD differs from the host (${changes.length})`, '');
  if (changes.length) {
    out.push('| bit | name | host | TD | class | why |', '|---|---|---|---|---|---|');
    for (const c of changes) out.push(`| ${formatBit(c)} | ${c.name} | ${v(c.values.host)} | ${v(c.values.td)} | ${c.class} | ${mdEscape(keyReason(c))} |`);
  }
  const dis = extras.disagreements ?? disagreements(r.bits);
  out.push('', `## Bits where layers disagree (${dis.length})`, '');
  if (dis.length) {
    out.push('| bit | name | host | caps | requested | INIT_VM | TD | SET_CPUID2 | guest |', '|---|---|---|---|---|---|---|---|---|');
    for (const d of dis.slice(0, 200)) {
      const x = d.values;
      out.push(`| ${formatBit(d)} | ${d.name ?? ''} | ${v(x.host)} | ${v(x.tdxCaps)} | ${v(x.requested)} | ${v(x.initVm)} | ${v(x.td)} | ${v(x.setCpuid)} | ${v(x.guest)} |`);
    }
    if (dis.length > 200) out.push('', `... and ${dis.length - 200} more (see --json).`);
  }
  return `${out.join('\n')}\n`;
}
