// "Copy as text": one bit's story as plain text for a bug comment.

import type { BitRow, FieldRow, Finding, ReconcileContextOut } from '../../../shared/engine/types';
import { LAYER_IDS, LAYER_SYMBOL, LAYER_TITLE } from '../../../shared/model/layers';
import { CLASS_INFO } from './classes';
import { formatValue } from './format';

export function contextLine(c: ReconcileContextOut): string {
  const module = c.module.exact ? c.module.table : `${c.module.requested ?? '?'} (nearest table ${c.module.table})`;
  return [
    `module ${module}`,
    `kernel ${c.kernel}`,
    `QEMU ${c.qemu}`,
    `-cpu ${c.cpu}`,
    `pmu=${c.pmu ? 'on' : 'off'}`,
    `attributes 0x${c.attributes.toString(16)}`,
    `XFAM 0x${c.xfam.toString(16)}`,
    c.tscKhz === null ? 'TSC host' : `TSC ${c.tscKhz} kHz`,
  ].join(', ');
}

export function bitAsText(address: string, row: BitRow | FieldRow, context: ReconcileContextOut, findings: readonly Finding[]): string {
  const width = 'bits' in row ? row.bits[1] - row.bits[0] + 1 : 1;
  const lines: string[] = [];
  lines.push(`CPUID ${address}${row.name ? ` (${row.name})` : ''}`);
  const info = CLASS_INFO[row.class];
  lines.push(`Class: ${row.class} (${info.title})${row.gates.length ? `; gates: ${row.gates.join(', ')}` : ''}`);
  const values = LAYER_IDS.map((l) => `${LAYER_SYMBOL[l]}=${formatValue(row.values[l], width, true)}`).join(' ');
  const decided = row.decidedBy === 'module' ? 'the TDX module' : LAYER_TITLE[row.decidedBy];
  lines.push(`Layers: ${values}  (decided by ${decided}${row.disagreement ? '; layers disagree' : ''})`);
  if (row.reasons.length) {
    lines.push('Why:');
    row.reasons.forEach((r, i) => lines.push(`  ${i + 1}. ${r}`));
  }
  if (findings.length) {
    lines.push('Findings:');
    for (const f of findings) lines.push(`  [${f.severity}] ${f.rule}: ${f.message} (source: ${f.source})`);
  }
  lines.push(`Context: ${contextLine(context)}`);
  return `${lines.join('\n')}\n`;
}
