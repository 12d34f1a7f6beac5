// Ingestion of a whole bug report: every file classified by content (format, then layer),
// split files combined (hwloc `puN`), overrides applied, conflicts found, a manifest made,
// and EngineInputs produced for the reconciliation (shared/engine).

import type { CpuidDump } from '../model/dump';
import type { DmesgInput, KvmInput, QemuCmdlineInput, QemuLogInput } from '../model/inputs';
import type { SourceFile } from '../model/source';
import type { InputFormat, ParsedInput, Detection } from '../formats/types';
import type { EngineInputs, InputSummary } from '../engine/types';
import type { LayerId } from '../model/layers';
import type { ClassifiedInput, Conflict, IngestOptions, IngestOverride, IngestProblem, IngestResult, Role } from './types';
import { FormatError } from '../model/errors';
import { detectAll, formatById } from '../formats/registry';
import { classifyParsed, retargetKvm, type RoleDecision } from './classify';
import { buildManifest } from './manifest';
import { hex32 } from '../model/address';

interface Read {
  readonly source: SourceFile;
  readonly format: InputFormat;
  readonly detection: Detection;
  readonly parsed: ParsedInput;
  readonly override?: IngestOverride;
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim().slice(0, 80);
}

/** Detects (or takes the forced format) and parses; tries the next candidates when the best fails. */
function readOne(source: SourceFile, override: IngestOverride | undefined): Read | IngestProblem {
  if (source.text.includes('\u0000')) return { path: source.path, message: 'binary file, skipped' };
  if (source.text.trim() === '') return { path: source.path, message: 'empty file, skipped' };
  if (override?.format) {
    const format = formatById(override.format);
    if (!format) return { path: source.path, message: `unknown format "${override.format}" forced` };
    try {
      return { source, format, detection: { confidence: 1, reason: `format forced to ${format.id}` }, parsed: format.parse(source.text, source.path), override };
    } catch (e) {
      return problemOf(source.path, e);
    }
  }
  const candidates = detectAll(source.text).filter((c) => c.detection.confidence >= 0.25);
  if (!candidates.length) return { path: source.path, message: `not a format the workbench reads (starts with "${firstLine(source.text)}")` };
  let firstError: IngestProblem | null = null;
  for (const c of candidates.slice(0, 3)) {
    try {
      return { source, format: c.format, detection: c.detection, parsed: c.format.parse(source.text, source.path), ...(override ? { override } : {}) };
    } catch (e) {
      firstError ??= problemOf(source.path, e);
    }
  }
  return firstError!;
}

function problemOf(path: string, e: unknown): IngestProblem {
  if (e instanceof FormatError) return { path, line: e.line, message: e.message };
  return { path, message: `reader failed: ${e instanceof Error ? e.message : String(e)}` };
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

/** Groups the reads of a format that combines files (hwloc `puN`) by folder and combines them. */
function combineSplitFiles(reads: readonly Read[], problems: IngestProblem[]): (Read & { readonly sources: readonly SourceFile[]; readonly path: string })[] {
  const out: (Read & { sources: readonly SourceFile[]; path: string })[] = [];
  const groups = new Map<string, Read[]>();
  for (const r of reads) {
    if (!r.format.combine) {
      out.push({ ...r, sources: [r.source], path: r.source.path });
      continue;
    }
    const key = `${r.format.id}\u0000${dirOf(r.source.path)}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else {
      groups.set(key, [r]);
      out.push({ ...r, sources: [r.source], path: r.source.path }); // placeholder, replaced below
    }
  }
  for (const [key, g] of groups) {
    const at = out.findIndex((o) => `${o.format.id}\u0000${dirOf(o.source.path)}` === key && o.format.combine);
    if (g.length === 1) continue;
    const dir = dirOf(g[0]!.source.path);
    try {
      const parsed = g[0]!.format.combine!(g.map((r) => ({ name: r.source.path, parsed: r.parsed })), dir || g[0]!.source.path);
      out[at] = {
        ...g[0]!,
        parsed,
        sources: g.map((r) => r.source),
        path: dir || g[0]!.source.path,
        detection: { confidence: g[0]!.detection.confidence, reason: `${g[0]!.detection.reason}; ${g.length} files combined` },
      };
    } catch (e) {
      problems.push(problemOf(dir, e));
    }
  }
  return out;
}

function applyRole(parsed: ParsedInput, decision: RoleDecision, override: IngestOverride | undefined): { parsed: ParsedInput; decision: RoleDecision; overridden: boolean } {
  const role = override?.role;
  if (!role) return { parsed, decision, overridden: !!override?.format };
  if (role === 'ignore') return { parsed, decision: { role, confidence: 1, reason: 'ignored by the user', feeds: [] }, overridden: true };
  let p = parsed;
  let feeds = decision.feeds;
  if (p.kind === 'kvm' && role !== 'context') {
    p = retargetKvm(p, role);
    feeds = [role === 'td' ? 'td' : (role as typeof feeds[number])];
  } else if (p.kind === 'cpuid' && (role === 'host' || role === 'guest')) feeds = [role];
  return { parsed: p, decision: { role, confidence: 1, reason: `layer forced to ${role} (${decision.reason})`, feeds }, overridden: true };
}

function dumpIdentity(d: CpuidDump): string {
  return `${d.meta.signature ?? '?'}|${d.meta.brand ?? ''}`;
}

function dumpLabel(d: CpuidDump): string {
  return `${d.meta.brand ?? d.meta.vendor ?? 'unknown CPU'}${d.meta.signature !== null ? ` (${hex32(d.meta.signature)})` : ''}`;
}

/**
 * Inputs competing for one place (the host analysed, the QEMU log checked...), the most
 * credible first: a snippet quoted in a note (one register line, detected with less
 * confidence) never outranks a whole dump; equally credible inputs keep their order.
 */
function byConfidence<T extends ClassifiedInput>(list: readonly T[]): T[] {
  return list
    .map((input, i) => ({ input, i }))
    .sort((a, b) => b.input.detection.confidence - a.input.detection.confidence || a.i - b.i)
    .map((x) => x.input);
}

function findConflicts(inputs: readonly ClassifiedInput[]): Conflict[] {
  const out: Conflict[] = [];
  const active = byConfidence(inputs.filter((i) => i.role !== 'ignore'));
  const hosts = active.filter((i) => i.feeds.includes('host') && i.parsed.kind === 'cpuid');
  const distinctHosts = new Map<string, ClassifiedInput>();
  for (const h of hosts) if (!distinctHosts.has(dumpIdentity(h.parsed as CpuidDump))) distinctHosts.set(dumpIdentity(h.parsed as CpuidDump), h);
  if (distinctHosts.size > 1) {
    const list = [...distinctHosts.values()];
    out.push({
      feed: 'host',
      paths: list.map((h) => h.path),
      used: list[0]!.path,
      message: `host dumps from different CPUs: ${list.map((h) => `${dumpLabel(h.parsed as CpuidDump)} in ${h.path}`).join(' vs ')}; the first is the platform analysed, the others are compared`,
    });
  }
  const guests = active.filter((i) => i.feeds.includes('guest'));
  if (guests.length > 1) {
    out.push({ feed: 'guest', paths: guests.map((g) => g.path), used: guests[0]!.path, message: `${guests.length} guest captures; ${guests[0]!.path} is used` });
  }
  const modules = active.filter((i) => i.feeds.includes('module'));
  const versionOf = (m: ClassifiedInput): string | undefined => (m.parsed.kind === 'kvm' ? m.parsed.tdxModule?.version : (m.parsed as DmesgInput).moduleVersion);
  const versions = [...new Set(modules.map(versionOf))];
  if (versions.length > 1) {
    out.push({ feed: 'module', paths: modules.map((m) => m.path), used: modules[0]!.path, message: `inputs name different TDX modules (${versions.join(', ')}); ${versions[0]} is used` });
  }
  const cmdlines = active.filter((i) => i.parsed.kind === 'qemu-cmdline');
  const embedded = active.filter((i) => i.parsed.kind === 'qemu-log' && (i.parsed as QemuLogInput).cmdline);
  const cpuOf = (c: QemuCmdlineInput | undefined): string => (c?.cpu ? [c.cpu.model, ...c.cpu.flags.map((f) => `${f.on ? '+' : '-'}${f.name}`)].join(',') : '');
  const allCmd = [...cmdlines.map((i) => ({ path: i.path, cpu: cpuOf(i.parsed as QemuCmdlineInput) })), ...embedded.map((i) => ({ path: i.path, cpu: cpuOf((i.parsed as QemuLogInput).cmdline) }))];
  if (new Set(allCmd.map((c) => c.cpu)).size > 1) {
    out.push({ feed: 'requested', paths: allCmd.map((c) => c.path), used: allCmd[0]!.path, message: `QEMU command lines differ (${allCmd.map((c) => `-cpu ${c.cpu || 'default'}`).join(' vs ')}); ${allCmd[0]!.path} is used` });
  }
  const logs = active.filter((i) => i.parsed.kind === 'qemu-log');
  if (logs.length > 1) out.push({ feed: 'qemuLog', paths: logs.map((l) => l.path), used: logs[0]!.path, message: `${logs.length} QEMU logs; ${logs[0]!.path} is checked` });
  for (const feed of ['kvmSupported', 'tdxCaps', 'initVm', 'td', 'setCpuid'] as const) {
    const kvm = active.filter((i) => i.parsed.kind === 'kvm' && i.feeds.includes(feed));
    if (kvm.length < 2) continue;
    const key = feed === 'td' ? 'tdCpuid' : feed;
    const bodies = new Set(kvm.map((k) => JSON.stringify((k.parsed as KvmInput)[key], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
    if (bodies.size > 1) out.push({ feed, paths: kvm.map((k) => k.path), used: kvm[0]!.path, message: `${kvm.length} captures of ${feed} disagree; ${kvm[0]!.path} is used first` });
  }
  return out;
}

function summaryLayer(i: ClassifiedInput): LayerId | 'context' {
  return i.role === 'ignore' || i.role === 'context' ? 'context' : i.role;
}

export function toEngineInputs(inputs: readonly ClassifiedInput[]): EngineInputs {
  const active = byConfidence(inputs.filter((i) => i.role !== 'ignore'));
  const hosts = active.filter((i) => i.role === 'host' && i.parsed.kind === 'cpuid').map((i) => i.parsed as CpuidDump);
  const guest = active.find((i) => i.role === 'guest' && i.parsed.kind === 'cpuid')?.parsed as CpuidDump | undefined;
  const kvm = active.filter((i) => i.parsed.kind === 'kvm').map((i) => i.parsed as KvmInput);
  const dmesgs = active.filter((i) => i.parsed.kind === 'dmesg').map((i) => i.parsed as DmesgInput);
  const fromLog = dmesgs.find((d) => d.moduleVersion);
  const sysfs = kvm.find((k) => k.tdxModule);
  // The engine reads the module version from the kernel log; a capture that read it from
  // sysfs stands in for the log when the log does not name it.
  const dmesg: DmesgInput | undefined =
    fromLog ??
    (sysfs
      ? {
          ...(dmesgs[0] ?? { kind: 'dmesg' as const, format: sysfs.format, name: sysfs.name, warnings: [], seamcallFailures: [], events: [] }),
          moduleVersion: sysfs.tdxModule!.version,
          ...(sysfs.tdxModule!.build ? { moduleBuild: sysfs.tdxModule!.build } : {}),
          ...(dmesgs[0]?.kernelVersion ?? sysfs.kernel ? { kernelVersion: (dmesgs[0]?.kernelVersion ?? sysfs.kernel)! } : {}),
        }
      : dmesgs[0]);
  const qemuLog = active.find((i) => i.parsed.kind === 'qemu-log')?.parsed as QemuLogInput | undefined;
  const explicitCmd = active.find((i) => i.parsed.kind === 'qemu-cmdline')?.parsed as QemuCmdlineInput | undefined;
  const qemuCmdline = explicitCmd ?? qemuLog?.cmdline;
  const sources: InputSummary[] = [];
  for (const i of inputs) {
    if (i.role === 'ignore') continue;
    for (const s of i.sources) sources.push({ path: s.path, sha256: s.sha256, format: i.format, layer: summaryLayer(i) });
  }
  return {
    hosts,
    ...(guest ? { guest } : {}),
    kvm,
    ...(dmesg ? { dmesg } : {}),
    ...(qemuLog ? { qemuLog } : {}),
    ...(qemuCmdline ? { qemuCmdline } : {}),
    sources,
  };
}

/** Classifies every file of a bug report. Deterministic: same files, same order, same result. */
export function ingest(files: readonly SourceFile[], options: IngestOptions = {}): IngestResult {
  const overrides = options.overrides ?? {};
  const problems: IngestProblem[] = [];
  const reads: Read[] = [];
  for (const f of files) {
    const r = readOne(f, overrides[f.path]);
    if ('parsed' in r) reads.push(r);
    else problems.push(r);
  }
  const inputs: ClassifiedInput[] = combineSplitFiles(reads, problems).map((r) => {
    const base = classifyParsed(r.parsed, r.format.role);
    const { parsed, decision, overridden } = applyRole(r.parsed, base, overrides[r.path] ?? r.override);
    return {
      path: r.path,
      sources: r.sources,
      format: r.format.id,
      formatTitle: r.format.title,
      parsed,
      detection: r.detection,
      role: decision.role as Role,
      roleConfidence: decision.confidence,
      roleReason: decision.reason,
      feeds: decision.feeds,
      overridden,
    };
  });
  return {
    inputs,
    unrecognized: problems,
    conflicts: findConflicts(inputs),
    manifest: buildManifest(inputs),
    engineInputs: toEngineInputs(inputs),
  };
}
