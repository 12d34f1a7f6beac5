// `tdx-cpuid decode FILE... [--cpu N | --all-cpus] [--json] [--format NAME]`: named decoding
// of CPUID dumps (cli-contract.md, schema tdx-cpuid/decode/v1). --json prints JSON Lines: one
// compact JSON object per dump, in argument order (a single file is one line of JSON).
// Every input is read and checked before anything is printed, so a bad input prints only
// its one-line error (exit 2).

import type { Command } from 'commander';
import type { CpuidDump } from '../../../shared/model/dump';
import { FormatError } from '../../../shared/model/errors';
import { decodeReport, findCpu, renderDecodeText, writeDecodeReportJson } from '../../../shared/knowledge/decode/index';
import { CliError, EXIT } from '../errors';
import { loadReport } from '../load-inputs';
import { sourcePathOf } from '../read-source';
import { FdOutput, OutputClosed } from '../output/fd-output';
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

/** True when `path` is a file inside the folder or bundle `arg` names (`x.tar.bz2!/dir/pu0`). */
function isMemberOf(path: string, arg: string): boolean {
  return path !== arg && (path.startsWith(`${arg}!/`) || path.startsWith(`${arg.replace(/\/+$/, '')}/`));
}

/**
 * Decodes the inputs and hands the output to `write` one input at a time (JSON: one compact
 * line per dump). A file named on the command line must be a CPUID dump; files found inside a
 * folder or bundle that are not (a README, a dmesg) are skipped with a note on stderr.
 */
export async function decode(files: readonly string[], opts: DecodeCliOptions, write: (chunk: string | Uint8Array) => void): Promise<void> {
  const cpu = cpuIdOption(opts);
  const { inputs, problems } = await loadReport(files, opts.format ? { format: opts.format } : {});
  const dumps: { dump: CpuidDump; path: string; sha256: string }[] = [];
  for (const input of inputs) {
    const parsed = input.parsed;
    const path = input.source.path;
    if (parsed.kind !== 'cpuid') {
      if (files.some((f) => isMemberOf(path, sourcePathOf(f)))) {
        process.stderr.write(`tdx-cpuid: note: ${path} (${input.format}) is not a CPUID dump; skipped\n`);
        continue;
      }
      throw new FormatError(path, 0, 'a CPUID dump (decode reads CPUID dumps only)', `${input.format} input`, input.format);
    }
    checkCpu(parsed, path, cpu);
    dumps.push({ dump: parsed, path, sha256: input.source.sha256 });
  }
  if (dumps.length === 0) {
    // Say why (an empty or binary file, what a bundle held), not only that nothing was found.
    const why = problems.map((p) => `${p.path}: ${p.message}`);
    throw new CliError(`no CPUID dump in ${files.map(sourcePathOf).join(', ')}${why.length ? ` (${why.slice(0, 3).join('; ')}${why.length > 3 ? `; ${why.length - 3} more` : ''})` : ''}`);
  }
  const decodeOpts = { ...(cpu !== undefined ? { cpu } : {}), allCpus: !!opts.allCpus };
  dumps.forEach(({ dump, path, sha256 }, i) => {
    if (opts.json) {
      // Pieces straight to the output; identical per-CPU feature lists are encoded once.
      writeDecodeReportJson(dump, { path, sha256 }, decodeOpts, write, (text) => Buffer.from(text, 'utf8'));
      write('\n');
    } else {
      const report = decodeReport(dump, { path, sha256 }, decodeOpts);
      write(`${i > 0 ? '\n' : ''}${renderDecodeText(report, { cpuIds: dump.cpus.map((c) => c.id) })}`);
    }
  });
}

export const registerDecode: RegisterCommand = (program: Command, setExit) => {
  program
    .command('decode')
    .description('Named decoding of CPUID dumps: leaves, every named feature (zeros too), fields, and what differs between CPUs')
    .argument('<file...>', 'CPUID dumps in any format the workbench reads (detected from content; - for standard input)')
    .option('--cpu <n>', 'decode this CPU (default: the first CPU of each dump)')
    .option('--all-cpus', 'also decode every CPU (JSON: "cpus" holds each CPU\'s leaves and features)')
    .option('--json', 'print JSON (tdx-cpuid/decode/v1) Lines: one object per dump, in argument order')
    .option('--format <name>', 'read the inputs as this format instead of detecting it')
    .action(async (files: string[], opts: DecodeCliOptions) => {
      // `tdx-cpuid decode ... | head` closes the pipe early: that is not an error.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(EXIT.ok);
        throw e;
      });
      // Pieces gathered in one reused buffer and written with writeSync (see fd-output.ts).
      const out = new FdOutput(process.stdout.fd, process.stdout);
      try {
        await decode(files, opts, (chunk) => out.push(chunk));
        out.flush();
      } catch (e) {
        if (!(e instanceof OutputClosed)) throw e;
      }
      setExit(EXIT.ok);
    });
};
