// Options shared by the engine commands (reconcile, explain): layer flags that force an
// input's layer, context options that override what the inputs say (cli-contract.md), and
// turning them into EngineInputs + ContextOptions.

import type { Command } from 'commander';
import type { ContextOptions, EngineInputs } from '../../../shared/engine/types';
import { CliError } from '../errors';
import type { LayerFlags } from '../load-inputs';
import { loadReport, overridesFromFlags } from '../load-inputs';

export interface EngineCliOptions extends LayerFlags {
  readonly module?: string;
  readonly kernel?: string;
  readonly qemu?: string;
  readonly cpu?: string;
  readonly pmu?: string;
  readonly attributes?: string;
  readonly xfam?: string;
  readonly tscKhz?: string;
  readonly reduceVe?: boolean;
  readonly format?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the layer flags and context options to a command. */
export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option('--host <file>', 'host CPUID dump (repeatable)', collect)
    .option('--kvm-supported <file>', 'KVM_GET_SUPPORTED_CPUID capture', collect)
    .option('--tdx-caps <file>', 'KVM_TDX_CAPABILITIES capture', collect)
    .option('--init-vm <file>', 'KVM_TDX_INIT_VM payload capture', collect)
    .option('--td-cpuid <file>', 'KVM_TDX_GET_CPUID capture (the TD as the module stores it)', collect)
    .option('--set-cpuid <file>', 'KVM_SET_CPUID2 capture', collect)
    .option('--guest <file>', "CPUID dump taken inside the TD", collect)
    .option('--dmesg <file>', 'host dmesg (module and kernel versions)', collect)
    .option('--qemu-log <file>', 'QEMU log (version, warnings)', collect)
    .option('--qemu-cmdline <file>', 'QEMU command line', collect)
    .option('--module <version>', 'TDX module version, e.g. 1.5.06 (default: from dmesg, else the newest table for the CPU)')
    .option('--kernel <version>', 'kernel version, e.g. 6.16 (default: from dmesg, else 6.16)')
    .option('--qemu <version>', 'QEMU version, e.g. 10.1 (default: from the QEMU log, else the newest upstream tables)')
    .option('--cpu <spec>', 'QEMU -cpu option, e.g. "host,+avx512f,-pks" (default: from the command line, else host)')
    .option('--pmu <on|off>', 'QEMU pmu= property (default: off, as QEMU sets it for a TD)')
    .option('--attributes <hex>', 'TD ATTRIBUTES (default: what QEMU derives: SEPT_VE_DISABLE [+PKS] [+PERFMON])')
    .option('--xfam <hex>', 'TD XFAM (default: what QEMU derives from the CPU model)')
    .option('--tsc-khz <n>', 'TD TSC frequency in kHz (default: the host frequency)')
    .option('--reduce-ve', 'assume the guest enabled #VE reduction (TD_CTLS.REDUCE_VE)')
    .option('--format <name>', 'read the inputs named directly as this format instead of detecting it');
}

function hexOption(name: string, text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase().replace(/^0x/, '').replace(/_/g, '');
  if (!/^[0-9a-f]{1,16}$/.test(t)) throw new CliError(`--${name} expects a hexadecimal value up to 64 bits, got ${JSON.stringify(text)}`);
  return BigInt(`0x${t}`);
}

export function contextOptionsFrom(opts: EngineCliOptions): ContextOptions {
  let pmu: boolean | undefined;
  if (opts.pmu !== undefined) {
    const p = opts.pmu.toLowerCase();
    if (p !== 'on' && p !== 'off') throw new CliError(`--pmu expects on or off, got ${JSON.stringify(opts.pmu)}`);
    pmu = p === 'on';
  }
  let tscKhz: number | undefined;
  if (opts.tscKhz !== undefined) {
    if (!/^\d+$/.test(opts.tscKhz.trim())) throw new CliError(`--tsc-khz expects a number of kHz, got ${JSON.stringify(opts.tscKhz)}`);
    tscKhz = Number(opts.tscKhz.trim());
  }
  const attributes = hexOption('attributes', opts.attributes);
  const xfam = hexOption('xfam', opts.xfam);
  return {
    ...(opts.module ? { module: opts.module } : {}),
    ...(opts.kernel ? { kernel: opts.kernel } : {}),
    ...(opts.qemu ? { qemu: opts.qemu } : {}),
    ...(opts.cpu ? { cpu: opts.cpu } : {}),
    ...(pmu !== undefined ? { pmu } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
    ...(xfam !== undefined ? { xfam } : {}),
    ...(tscKhz !== undefined ? { tscKhz } : {}),
    ...(opts.reduceVe ? { guestReduceVe: true } : {}),
  };
}

export interface LoadedEngineInputs {
  readonly inputs: EngineInputs;
  readonly ignored: readonly { readonly path: string; readonly why: string }[];
}

/** Reads and classifies the inputs (positional and layer flags). */
export async function loadEngineInputs(files: readonly string[], opts: EngineCliOptions): Promise<LoadedEngineInputs> {
  const { paths, overrides } = overridesFromFlags(opts);
  const all = [...files, ...paths.filter((p) => !files.includes(p))];
  if (all.length === 0) return { inputs: { hosts: [], kvm: [], sources: [] }, ignored: [] };
  const report = await loadReport(all, { ...(opts.format ? { format: opts.format } : {}), overrides });
  const ignored = [
    ...report.ingest.inputs.filter((i) => i.role === 'ignore').map((i) => ({ path: i.path, why: i.roleReason })),
    ...report.ingest.conflicts.map((c) => ({ path: c.paths.filter((p) => p !== c.used).join(', '), why: c.message })),
    ...report.problems.map((p) => ({ path: p.path, why: p.message })),
  ];
  return { inputs: report.ingest.engineInputs, ignored };
}

export type FailOn = 'error' | 'warning' | 'info' | 'none';

export function failOnOption(text: string | undefined): FailOn {
  const t = (text ?? 'error').toLowerCase();
  if (t === 'error' || t === 'warning' || t === 'info' || t === 'none') return t;
  throw new CliError(`--fail-on expects error, warning, info or none, got ${JSON.stringify(text)}`);
}

/** True when a finding at or above the --fail-on level exists. */
export function failsOn(level: FailOn, summary: { readonly errors: number; readonly warnings: number; readonly infos: number }): boolean {
  if (level === 'none') return false;
  if (summary.errors > 0) return true;
  if (level === 'error') return false;
  if (summary.warnings > 0) return true;
  return level === 'info' && summary.infos > 0;
}
