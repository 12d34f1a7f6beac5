// `tdx-cpuid decode FILE... [--cpu N | --all-cpus] [--json] [--format NAME]`: named decoding
// of CPUID dumps (cli-contract.md, schema tdx-cpuid/decode/v1). With --json one file prints
// one JSON document; several files print JSON Lines, one object per file in argument order.
// Every input is read and decoded before anything is printed, so a bad input prints only
// its one-line error (exit 2).

import type { Command } from 'commander';
import type { CpuidDump } from '../../../shared/model/dump';
import { FormatError } from '../../../shared/model/errors';
import { decodeReport, findCpu, renderDecodeText } from '../../../shared/knowledge/decode/index';
import type { DecodeReport } from '../../../shared/knowledge/decode/index';
import { CliError, EXIT } from '../errors';
import { loadInputs } from '../load-inputs';
import type { RegisterCommand } from './index';

interface DecodeCliOptions {
  readonly cpu?: string;
  readonly allCpus?: boolean;
  readonly json?: boolean;
  readonly format?: string;
}

function cpuIdOption(opts: DecodeCliOptions): number | undefined {
  if (opts.cpu !== undefined && opts.allCpus) throw new CliError('--cpu and --all-cpus exclude each other');
  if (opts.cpu === undefined) return undefined;
  if (!/^\d+$/.test(opts.cpu)) throw new CliError(`--cpu expects a CPU number, got ${JSON.stringify(opts.cpu)}`);
  return Number(opts.cpu);
}

function checkCpu(dump: CpuidDump, path: string, id: number | undefined): void {
  if (dump.cpus.length === 0) throw new FormatError(path, 0, 'at least one CPU in the dump', undefined, dump.format);
  if (id === undefined || findCpu(dump, id)) return;
  const ids = dump.cpus.map((c) => c.id);
  throw new CliError(`${path}: no CPU ${id} (the dump has ${ids.length === 1 ? `CPU ${ids[0]}` : `CPUs ${ids[0]}..${ids[ids.length - 1]}`})`);
}

export async function decode(files: readonly string[], opts: DecodeCliOptions): Promise<string> {
  const cpu = cpuIdOption(opts);
  const inputs = await loadInputs(files, opts.format);
  const reports: { report: DecodeReport; cpuIds: number[] }[] = [];
  for (const input of inputs) {
    const parsed = input.parsed;
    if (parsed.kind !== 'cpuid') {
      throw new FormatError(input.source.path, 0, 'a CPUID dump (decode reads CPUID dumps only)', `${input.format} input`, input.format);
    }
    checkCpu(parsed, input.source.path, cpu);
    const report = decodeReport(parsed, { path: input.source.path, sha256: input.source.sha256 }, {
      ...(cpu !== undefined ? { cpu } : {}),
      allCpus: !!opts.allCpus,
    });
    reports.push({ report, cpuIds: parsed.cpus.map((c) => c.id) });
  }
  if (opts.json) {
    if (reports.length === 1) return `${JSON.stringify(reports[0]!.report, null, 2)}\n`;
    return reports.map((r) => `${JSON.stringify(r.report)}\n`).join('');
  }
  return reports.map((r) => renderDecodeText(r.report, { cpuIds: r.cpuIds })).join('\n');
}

export const registerDecode: RegisterCommand = (program: Command, setExit) => {
  program
    .command('decode')
    .description('Named decoding of CPUID dumps: leaves, every named feature (zeros too), fields, and what differs between CPUs')
    .argument('<file...>', 'CPUID dumps in any format the workbench reads (detected from content)')
    .option('--cpu <n>', 'decode this CPU (default: the first CPU of each dump)')
    .option('--all-cpus', 'also decode every CPU (JSON: "cpus" holds each CPU\'s leaves and features)')
    .option('--json', 'print JSON (tdx-cpuid/decode/v1); several files print JSON Lines, one object per file')
    .option('--format <name>', 'read the inputs as this format instead of detecting it')
    .action(async (files: string[], opts: DecodeCliOptions) => {
      const out = await decode(files, opts);
      // `tdx-cpuid decode ... | head` closes the pipe early: that is not an error.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(EXIT.ok);
        throw e;
      });
      process.stdout.write(out);
      setExit(EXIT.ok);
    });
};
