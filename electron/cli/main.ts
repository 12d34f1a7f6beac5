// `tdx-cpuid`: the headless command line. A thin layer over shared/: argument parsing,
// file I/O and exit codes (cli-contract.md: 0 ok, 1 findings at or above --fail-on,
// 2 usage error or unreadable input; never a stack trace for bad input).

import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index';
import { CliError, EXIT } from './errors';
import { FormatError } from '../../shared/model/errors';

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name('tdx-cpuid')
    .description('Predict, verify and explain the CPUID an Intel TDX guest sees (host, TDX module, KVM, QEMU).')
    .version(__VERSION__, '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  let exitCode: number = EXIT.ok;
  for (const register of COMMANDS) register(program, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof FormatError || e instanceof CliError) {
      process.stderr.write(`tdx-cpuid: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`tdx-cpuid: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 3;
  }
}

declare const __VERSION__: string;

// Run when bundled as the CLI entry (not when imported by tests).
if (process.env.TDX_CPUID_NO_AUTORUN !== '1') {
  // `tdx-cpuid decode --json big.txt | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tdx-cpuid: ${String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
