// The table of input formats, like Wireshark's dissector table: adding a format is one
// file in this folder and one line below. Detection looks at content, never names.

import type { Detection, InputFormat, ParsedInput } from './types';
import { FormatError } from '../model/errors';
import { hwlocFormat } from './hwloc';
import { libvirtCpudataFormat } from './libvirt-cpudata';
import { firecrackerFormat } from './firecracker';
import { kvmJson } from './kvm-json';
import { kvmSelftestLog } from './kvm-selftest-log';
import { kvmCpuidEntries } from './kvm-cpuid-entries';
import { qmp } from './qmp';
import { dmesg } from './dmesg';
import { qemuLog } from './qemu-log';
import { qemuCmdline } from './qemu-cmdline';
import { cpuidRFormat } from './cpuid-r';
import { aida64Format } from './aida64';
import { libcpuidFormat } from './libcpuid';
import { kcpuidFormat } from './kcpuid';
import { workbenchJsonFormat } from './workbench-json';
import { procCpuinfoFormat } from './proc-cpuinfo';

export const FORMATS: readonly InputFormat[] = [
  // one line per format
  cpuidRFormat,
  aida64Format,
  libcpuidFormat,
  kcpuidFormat,
  workbenchJsonFormat,
  procCpuinfoFormat,
  hwlocFormat,
  libvirtCpudataFormat,
  firecrackerFormat,
  kvmJson,
  kvmSelftestLog,
  kvmCpuidEntries,
  qmp,
  dmesg,
  qemuLog,
  qemuCmdline,
];

export function formatById(id: string): InputFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}

export interface DetectedFormat {
  readonly format: InputFormat;
  readonly detection: Detection;
}

/** All formats that claim the text, most confident first (ties: registry order). */
export function detectAll(text: string): DetectedFormat[] {
  const out: DetectedFormat[] = [];
  for (const format of FORMATS) {
    let detection: Detection | null;
    try {
      detection = format.detect(text);
    } catch {
      detection = null; // a detector must not throw; treat a broken one as "not mine"
    }
    if (detection && detection.confidence > 0) out.push({ format, detection });
  }
  return out.sort((a, b) => b.detection.confidence - a.detection.confidence);
}

export function detectFormat(text: string): DetectedFormat | null {
  return detectAll(text)[0] ?? null;
}

/**
 * Detects (or takes the forced format) and parses. Throws FormatError only: an unknown
 * format, or the reader's own error.
 */
export function parseInput(text: string, name: string, forcedFormat?: string): { parsed: ParsedInput; format: InputFormat; detection: Detection } {
  let chosen: DetectedFormat | null;
  if (forcedFormat) {
    const format = formatById(forcedFormat);
    if (!format) throw new FormatError(name, 0, `a known format name (${FORMATS.map((f) => f.id).join(', ')})`, forcedFormat);
    chosen = { format, detection: { confidence: 1, reason: `format forced to ${format.id}` } };
  } else {
    chosen = detectFormat(text);
  }
  if (!chosen) {
    const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
    throw new FormatError(name, 0, `a CPUID dump, KVM capture, dmesg, QEMU log or QEMU command line (${FORMATS.map((f) => f.id).join(', ')})`, firstLine);
  }
  try {
    return { parsed: chosen.format.parse(text, name), format: chosen.format, detection: chosen.detection };
  } catch (e) {
    if (e instanceof FormatError) throw e;
    // A reader bug must still not escape as anything but a FormatError with a location.
    throw new FormatError(name, 0, `input the ${chosen.format.id} reader can handle (internal error: ${e instanceof Error ? e.message : String(e)})`, undefined, chosen.format.id);
  }
}
