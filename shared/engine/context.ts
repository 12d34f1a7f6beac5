// The context of one reconciliation: module table, kernel (KVM) table, QEMU tables and the
// requested configuration, each taken from the options (strongest), else from the inputs
// (dmesg, KVM capture, QEMU log / command line), else the defaults of tdx-cpuid-model.md 1.1,
// which are recorded as assumptions.

import type { KernelChoice } from '../knowledge/kvm/kvm-knowledge';
import { resolveKernel } from '../knowledge/kvm/kvm-knowledge';
import type { QemuChoice } from '../knowledge/qemu/qemu-knowledge';
import { DEFAULT_QEMU_VERSION, resolveQemu } from '../knowledge/qemu/qemu-knowledge';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import { moduleTable, moduleVersions, resolveModuleTable } from '../knowledge/tdx-module/module-table';
import { parseModuleVersion } from '../knowledge/tdx-module/versions';
import type { Assumptions } from './assumptions';
import type { CpuRequest } from './cpu-option';
import { parseCpuOption } from './cpu-option';
import type { HostView } from './host';
import type { ContextOptions, EngineInputs, ModuleChoice } from './types';

export const DEFAULT_KERNEL = '6.16';

export interface ResolvedContext {
  readonly module: ModuleTable;
  readonly moduleChoice: ModuleChoice;
  readonly moduleReason: string;
  readonly kernel: KernelChoice;
  readonly kernelRequested: string;
  readonly kernelFrom: 'option' | 'dmesg' | 'capture' | 'default';
  readonly qemu: QemuChoice;
  readonly qemuRequested: string;
  readonly qemuFrom: 'option' | 'qemu-log' | 'default';
  readonly cpu: CpuRequest;
  readonly pmu: boolean | undefined;
  readonly attributes: bigint | undefined;
  readonly septVeDisable: boolean | undefined;
  readonly xfam: bigint | undefined;
  readonly tscKhz: number | null;
  readonly tscFrom: string;
  readonly reduceVe: boolean;
}

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** Newest table of the module line that runs on this CPU (1.5: SPR/EMR; 2.0: Xeon 6 GNR/SRF). */
function defaultModuleFor(host: HostView | null): { version: string; why: string } {
  const versions = moduleVersions();
  const newestOf = (line: string): string => versions.filter((v) => v.startsWith(`${line}.`)).pop()!;
  const fam = host?.dump.meta.family;
  const model = host?.dump.meta.model;
  // Xeon 6 (Granite Rapids 0xAD/0xAE, Sierra Forest 0xAF, Clearwater Forest 0xDD) run the 2.0 line.
  if (fam === 6 && model !== null && model !== undefined && [0xad, 0xae, 0xaf, 0xdd].includes(model)) {
    return { version: newestOf('2.0'), why: 'the newest 2.0 table (Xeon 6 runs the TDX module 2.0 line)' };
  }
  return { version: newestOf('1.5'), why: 'the newest 1.5 table (4th/5th Gen Xeon run the TDX module 1.5 line)' };
}

function hostTscKhz(host: HostView | null): number | null {
  if (!host) return null;
  const a = host.reg(0x15, null, 'eax');
  const b = host.reg(0x15, null, 'ebx');
  const c = host.reg(0x15, null, 'ecx');
  if (a.k === 0xffffffff && b.k === 0xffffffff && c.k === 0xffffffff && a.v !== 0 && b.v !== 0 && c.v !== 0) {
    return Math.round((c.v * b.v) / a.v / 1000);
  }
  const base = host.reg(0x16, null, 'eax');
  if (base.k === 0xffffffff && (base.v & 0xffff) !== 0) return (base.v & 0xffff) * 1000;
  return null;
}

export function resolveContext(inputs: EngineInputs, options: ContextOptions, host: HostView | null, assumptions: Assumptions): ResolvedContext {
  // Module.
  let requested: string | null = null;
  let requestedBuild: number | undefined;
  let from: ModuleChoice['from'] = 'default';
  if (options.module) {
    requested = options.module;
    from = 'option';
  } else if (inputs.dmesg?.moduleVersion) {
    requested = inputs.dmesg.moduleVersion;
    requestedBuild = inputs.dmesg.moduleBuild?.number;
    from = 'dmesg';
  }
  let module: ModuleTable;
  let moduleChoice: ModuleChoice;
  let moduleReason: string;
  if (requested !== null) {
    if (!parseModuleVersion(requested)) throw new ContextError(`module version "${requested}" is not a version like 1.5.06 (known: ${moduleVersions().join(', ')})`);
    const r = resolveModuleTable(requested, requestedBuild)!;
    module = r.table;
    const shown = requestedBuild !== undefined && /^\s*v?\d+\.\d+\s*$/.test(requested) ? `${requested} build ${requestedBuild}` : requested;
    moduleChoice = { requested: shown, table: r.table.version, exact: r.choice.exact, from };
    moduleReason = r.choice.reason;
    if (!r.choice.exact) assumptions.add(`TDX module: ${r.choice.reason}`);
  } else {
    const d = defaultModuleFor(host);
    module = moduleTable(d.version)!;
    moduleChoice = { requested: null, table: d.version, exact: true, from: 'default' };
    moduleReason = `no module version given: ${d.why}`;
    assumptions.add(`TDX module ${d.version}: ${d.why}; no version was given`);
  }

  // Kernel.
  const kvmKernel = inputs.kvm.find((k) => k.kernel)?.kernel;
  const [kernelRequested, kernelFrom] = options.kernel
    ? [options.kernel, 'option' as const]
    : inputs.dmesg?.kernelVersion
      ? [inputs.dmesg.kernelVersion, 'dmesg' as const]
      : kvmKernel
        ? [kvmKernel, 'capture' as const]
        : [DEFAULT_KERNEL, 'default' as const];
  const kernel = resolveKernel(kernelRequested);
  if (!kernel) throw new ContextError(`kernel version "${kernelRequested}" is not a version like 6.16`);
  if (kernelFrom === 'default') assumptions.add(`kernel: upstream ${DEFAULT_KERNEL} behaviour (KVM table ${kernel.kvm.version}); no kernel version was given`);
  else if (!kernel.exact) assumptions.add(kernel.reason);

  // QEMU.
  const [qemuRequested, qemuFrom] = options.qemu
    ? [options.qemu, 'option' as const]
    : inputs.qemuLog?.qemuVersion
      ? [inputs.qemuLog.qemuVersion, 'qemu-log' as const]
      : [DEFAULT_QEMU_VERSION, 'default' as const];
  const qemu = resolveQemu(qemuRequested);
  if (!qemu) throw new ContextError(`QEMU version "${qemuRequested}" is not a version like 10.1`);
  if (qemuFrom === 'default') assumptions.add(`QEMU: upstream tables (${qemu.tables.version.version}); no QEMU version was given`);
  else if (!qemu.exact) assumptions.add(qemu.reason);

  // Requested configuration.
  const cmd = inputs.qemuCmdline?.cpu;
  let cpu: CpuRequest;
  if (options.cpu) cpu = parseCpuOption(options.cpu);
  else if (cmd) {
    cpu = {
      model: cmd.model,
      flags: cmd.flags,
      ...(cmd.pmu !== undefined ? { pmu: cmd.pmu } : {}),
      check: cmd.check,
      enforce: cmd.enforce,
      ...(cmd.tscKhz !== undefined ? { tscKhz: cmd.tscKhz } : {}),
      text: [cmd.model, ...cmd.flags.map((f) => `${f.on ? '+' : '-'}${f.name}`)].join(','),
    };
  } else {
    cpu = parseCpuOption('host');
    assumptions.add('QEMU command line: -cpu host');
  }
  const pmu = options.pmu ?? cpu.pmu;
  const attributes = options.attributes ?? inputs.qemuCmdline?.tdxGuest?.attributes;
  const septVeDisable = inputs.qemuCmdline?.tdxGuest?.septVeDisable;
  const xfam = options.xfam;
  let tscKhz: number | null;
  let tscFrom: string;
  if (options.tscKhz !== undefined) {
    tscKhz = options.tscKhz;
    tscFrom = 'given (--tsc-khz)';
  } else if (cpu.tscKhz !== undefined) {
    tscKhz = cpu.tscKhz;
    tscFrom = 'from -cpu tsc-frequency';
  } else {
    tscKhz = hostTscKhz(host);
    tscFrom = tscKhz === null ? 'unknown (the host dump has no TSC frequency)' : "the host's TSC frequency (CPUID 0x15/0x16)";
    assumptions.add(`TSC frequency: ${tscFrom}${tscKhz === null ? '' : `, ${tscKhz} kHz`}`);
  }
  const reduceVe = options.guestReduceVe ?? false;
  return {
    module,
    moduleChoice,
    moduleReason,
    kernel,
    kernelRequested,
    kernelFrom,
    qemu,
    qemuRequested,
    qemuFrom,
    cpu,
    pmu,
    attributes,
    septVeDisable,
    xfam,
    tscKhz,
    tscFrom,
    reduceVe,
  };
}
