// `tdx-cpuid convert FILE --to cpuid-r|json [--out FILE] [--cpu N | --all-cpus] [--format NAME]`:
// rewrites any CPUID dump the workbench reads as an etallen `cpuid -r` raw dump (which
// `cpuid -f FILE` decodes) or as the workbench's own JSON dump. All CPUs by default.
// Dumps that are not CPUID values (libvirt masks, Firecracker templates, /proc/cpuinfo flags)
// are still written register by register, with a warning on stderr saying what they mean.

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CpuidDump, ValueKind } from '../../../shared/model/dump';
import { writeCpuidR } from '../../../shared/formats/write-cpuid-r';
import { writeDumpJson } from '../../../shared/formats/write-dump-json';
import { detectAll } from '../../../shared/formats/registry';
import { FormatError } from '../../../shared/model/errors';
import { CliError, EXIT } from '../errors';
import { loadInputs } from '../load-inputs';
import type { RegisterCommand } from './index';

interface ConvertOptions {
  readonly to: string;
  readonly out?: string;
  readonly cpu?: string;
  readonly allCpus?: boolean;
  readonly format?: string;
}

const TARGETS = ['cpuid-r', 'json'] as const;

const VALUE_KIND_WARNING: Readonly<Record<Exclude<ValueKind, 'values'>, string>> = {
  mask: 'holds a feature mask (e.g. libvirt -enabled/-disabled), not CPUID output: a 1 bit means "in the set"; the registers written are that mask',
  ternary:
    'holds a template with bits left unspecified (e.g. Firecracker): only the bits marked known carry a value; the registers written show unknown bits as 0',
  flags:
    'holds only the feature flags /proc/cpuinfo names: bits without a flag are unknown and written as 0; this is not the CPU\'s CPUID output',
};

function selectCpus(dump: CpuidDump, opts: ConvertOptions): number[] | undefined {
  if (opts.cpu !== undefined && opts.allCpus) throw new CliError('--cpu and --all-cpus exclude each other');
  if (opts.cpu === undefined) return undefined;
  if (!/^\d+$/.test(opts.cpu)) throw new CliError(`--cpu expects a CPU number, got ${JSON.stringify(opts.cpu)}`);
  const id = Number(opts.cpu);
  if (!dump.cpus.some((c) => c.id === id)) {
    const ids = dump.cpus.map((c) => c.id);
    throw new CliError(`${dump.name}: no CPU ${id} (the dump has ${ids.length === 1 ? `CPU ${ids[0]}` : `CPUs ${ids[0]}..${ids[ids.length - 1]}`})`);
  }
  return [id];
}

/**
 * The classifier may settle on a non-CPUID reader after the best reader refused the file
 * (e.g. etallen's decoded output, which the cpuid-r reader refuses with advice). convert
 * wants a CPUID dump: take the most confident reader that yields one, else report the error
 * of the most confident reader that refused, which says what to capture instead.
 */
function cpuidReadingOf(file: string, text: string, chosen: string, forced: string | undefined): CpuidDump {
  if (!forced) {
    let firstError: FormatError | null = null;
    for (const c of detectAll(text)) {
      try {
        const p = c.format.parse(text, file);
        if (p.kind === 'cpuid') return p;
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        firstError ??= e;
      }
    }
    if (firstError) throw firstError;
  }
  throw new CliError(`${file}: a ${chosen} input is not a CPUID dump; convert reads CPUID dumps only`);
}

export async function convert(file: string, opts: ConvertOptions): Promise<void> {
  if (!(TARGETS as readonly string[]).includes(opts.to)) throw new CliError(`--to expects one of ${TARGETS.join(', ')}, got ${JSON.stringify(opts.to)}`);
  const [input] = await loadInputs([file], opts.format);
  if (!input) throw new CliError(`${file}: nothing to convert`);
  const parsed = input.parsed.kind === 'cpuid' ? input.parsed : cpuidReadingOf(file, input.source.text, input.format, opts.format);
  const cpus = selectCpus(parsed, opts);
  if (parsed.valueKind !== 'values') {
    process.stderr.write(`tdx-cpuid: warning: ${file} ${VALUE_KIND_WARNING[parsed.valueKind]}\n`);
  }
  const text =
    opts.to === 'cpuid-r'
      ? writeCpuidR(parsed, cpus ? { cpus } : {})
      : writeDumpJson(parsed, { ...(cpus ? { cpus } : {}), sourcePath: input.source.path, sourceSha256: input.source.sha256 });
  if (opts.out) {
    try {
      writeFileSync(opts.out, text);
    } catch (e) {
      throw new CliError(`${opts.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  } else {
    process.stdout.write(text);
  }
}

export const registerConvert: RegisterCommand = (program: Command, setExit) => {
  program
    .command('convert')
    .description('Rewrite a CPUID dump as `cpuid -r` raw text (readable by `cpuid -f`) or as workbench JSON')
    .argument('<file>', 'a CPUID dump in any format the workbench reads (- for standard input)')
    .requiredOption('--to <target>', `output format: ${TARGETS.join(' or ')}`)
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--cpu <n>', 'only this CPU (default: all CPUs)')
    .option('--all-cpus', 'every CPU (the default)')
    .option('--format <name>', 'read the input as this format instead of detecting it')
    .action(async (file: string, opts: ConvertOptions) => {
      await convert(file, opts);
      setExit(EXIT.ok);
    });
};
