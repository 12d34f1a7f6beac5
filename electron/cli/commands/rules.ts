// `tdx-cpuid rules [--json|--md]`: the rule registry (cli-contract.md): id, severity, title,
// description, source, and the layers each rule compares. Sorted by id; same bytes every run.

import type { Command } from 'commander';
import { ruleMetas } from '../../../shared/engine/rules/registry';
import type { RuleMeta } from '../../../shared/engine/rules/types';
import { CliError, EXIT } from '../errors';
import { writeDocument } from '../output/json';
import type { RegisterCommand } from './index';

export const RULES_SCHEMA = 'tdx-cpuid/rules/v1';

export function rulesJson(rules: readonly RuleMeta[] = ruleMetas()): string {
  const list = rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, description: r.description, source: r.source, layers: r.layers }));
  return writeDocument(RULES_SCHEMA, [['rules', list]], new Set(['rules']));
}

/** Wraps text at `width` columns, indenting continuation lines. */
function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

export function rulesText(rules: readonly RuleMeta[] = ruleMetas()): string {
  const out = [`${rules.length} rules (tdx-cpuid-model.md section 5 and more)`, ''];
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  for (const r of rules) {
    out.push(`${r.id.padEnd(idWidth)}  ${r.severity.padEnd(7)}  ${r.title}`);
    out.push(wrap(r.description, 96, '    '));
    out.push(wrap(`Source: ${r.source}`, 96, '    '));
    out.push('');
  }
  return `${out.join('\n')}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}

export function rulesMarkdown(rules: readonly RuleMeta[] = ruleMetas()): string {
  const out = ['# tdx-cpuid rules', '', '| id | severity | title | layers |', '| --- | --- | --- | --- |'];
  for (const r of rules) out.push(`| \`${r.id}\` | ${r.severity} | ${cell(r.title)} | ${r.layers.join(', ')} |`);
  out.push('');
  for (const r of rules) out.push(`## \`${r.id}\``, '', cell(r.description), '', `Source: ${cell(r.source)}`, '');
  return `${out.join('\n')}`;
}

export const registerRules: RegisterCommand = (program: Command, setExit) => {
  program
    .command('rules')
    .description('List the rules: id, severity, title, description, source')
    .option('--json', 'print JSON (tdx-cpuid/rules/v1)')
    .option('--md', 'print Markdown')
    .action((opts: { json?: boolean; md?: boolean }) => {
      if (opts.json && opts.md) throw new CliError('--json and --md exclude each other');
      process.stdout.write(opts.json ? rulesJson() : opts.md ? rulesMarkdown() : rulesText());
      setExit(EXIT.ok);
    });
};
