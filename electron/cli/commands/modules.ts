// `tdx-cpuid modules [--json]`: the TDX module versions the knowledge base holds.

import type { Command } from 'commander';
import { listModules } from '../../../shared/engine/modules';
import { EXIT } from '../errors';
import { writeDocument } from '../output/json';
import type { RegisterCommand } from './index';

export const MODULES_SCHEMA = 'tdx-cpuid/modules/v1';

export function modulesText(json: boolean): string {
  const list = listModules();
  if (json) return writeDocument(MODULES_SCHEMA, [['modules', list]], new Set(['modules']));
  const out = ['TDX module versions (CPUID tables)', ''];
  out.push(`${'version'.padEnd(9)} ${'build'.padEnd(6)} ${'date'.padEnd(9)} ${'from'.padEnd(7)} lookup config faulting #VE-red. note`);
  for (const m of list) {
    out.push(
      `${m.version.padEnd(9)} ${String(m.build ?? '-').padEnd(6)} ${(m.date ?? '-').padEnd(9)} ${m.sourceKind.padEnd(7)} ${String(m.lookupEntries).padStart(6)} ${String(m.configurableEntries).padStart(6)} ${String(m.faultingLeaves).padStart(8)} ${(m.veReduction ? 'yes' : 'no').padEnd(8)} ${m.identicalTo ? `tables identical to ${m.identicalTo}` : ''}`.trimEnd(),
    );
  }
  out.push('', 'A version not listed is analysed with the nearest older table of its major.minor line (flagged).');
  return `${out.join('\n')}\n`;
}

export const registerModules: RegisterCommand = (program: Command, setExit) => {
  program
    .command('modules')
    .description('List the known TDX module versions')
    .option('--json', 'print JSON (tdx-cpuid/modules/v1)')
    .action((opts: { json?: boolean }) => {
      process.stdout.write(modulesText(!!opts.json));
      setExit(EXIT.ok);
    });
};
