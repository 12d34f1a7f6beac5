// One bit's story (`tdx-cpuid explain`): text, Markdown and JSON (tdx-cpuid/explain/v1).

import type { BitExplanation } from '../../../shared/engine/reconcile';
import type { Reconciliation } from '../../../shared/engine/types';
import { formatBit } from '../../../shared/model/address';
import { LAYER_IDS, LAYER_TITLE } from '../../../shared/model/layers';
import { writeDocument } from './json';
import { SEVERITY_WORD, hex, v } from './words';

export const EXPLAIN_SCHEMA = 'tdx-cpuid/explain/v1';

export function explainJson(e: BitExplanation, r: Reconciliation): string {
  const a = e.address;
  return writeDocument(EXPLAIN_SCHEMA, [
    ['bit', { leaf: a.leaf, subleaf: a.subleaf, reg: a.reg, bit: a.bit, name: e.name, description: e.description }],
    ['context', r.context],
    ['row', e.row],
    ['field', e.field],
    ['findings', e.findings],
    ['moduleNotes', e.moduleNotes],
    ['status', r.predicted.status],
  ]);
}

export function renderExplainText(e: BitExplanation, r: Reconciliation): string {
  const row = e.row;
  const out: string[] = [`${formatBit(e.address)} ${e.name}`];
  if (e.description) out.push(`  ${e.description}`);
  out.push('', `class ${row.class}${row.gates.length ? `, gates ${row.gates.join(' ')}` : ''}; TD value decided by ${row.decidedBy}${row.disagreement ? '; LAYERS DISAGREE' : ''}`);
  out.push(`module ${r.context.module.table}, kernel ${r.context.kernel}, QEMU ${r.context.qemu}, -cpu ${r.context.cpu}`);
  out.push('', 'Story:', `  ${row.reasons.join('\n  -> ')}`);
  out.push('', 'Values:');
  for (const id of LAYER_IDS) out.push(`  ${LAYER_TITLE[id].padEnd(18)} ${v(row.values[id]).padEnd(2)} ${r.layerOrigin[id]}`);
  if (e.field) out.push('', `Field ${e.field.name} [${e.field.bits[1]}:${e.field.bits[0]}]: host ${hex(e.field.values.host)}, TD ${hex(e.field.values.td)}, guest ${hex(e.field.values.guest)}`);
  if (e.moduleNotes.length) out.push('', 'Module special handling for this leaf:', ...e.moduleNotes.map((n) => `  - ${n}`));
  if (!r.predicted.status.tdCreated) out.push('', 'Note: the predicted TD would not be created (see `tdx-cpuid reconcile` status).');
  out.push('', `Findings naming this bit (${e.findings.length}):`);
  for (const f of e.findings) out.push(`  ${SEVERITY_WORD[f.severity]} ${f.rule}: ${f.message}`);
  return `${out.join('\n')}\n`;
}

export function renderExplainMarkdown(e: BitExplanation, r: Reconciliation): string {
  const row = e.row;
  const out: string[] = [`# ${formatBit(e.address)} ${e.name}`, ''];
  if (e.description) out.push(e.description, '');
  out.push(`- class: \`${row.class}\`${row.gates.length ? `, gates ${row.gates.map((g) => `\`${g}\``).join(' ')}` : ''}`, `- decided by: ${row.decidedBy}`, `- layers disagree: ${row.disagreement ? 'yes' : 'no'}`);
  out.push('', '## Story', '', ...row.reasons.map((x, i) => `${i + 1}. ${x}`));
  out.push('', '## Values', '', '| layer | value | origin |', '|---|---|---|');
  for (const id of LAYER_IDS) out.push(`| ${LAYER_TITLE[id]} | ${v(row.values[id])} | ${r.layerOrigin[id]} |`);
  if (e.moduleNotes.length) out.push('', '## Module special handling', '', ...e.moduleNotes.map((n) => `- ${n}`));
  out.push('', '## Findings', '');
  if (e.findings.length === 0) out.push('None.');
  for (const f of e.findings) out.push(`- **${f.severity}** \`${f.rule}\`: ${f.message}`);
  return `${out.join('\n')}\n`;
}
