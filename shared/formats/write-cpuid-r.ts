// Writes a CpuidDump in exactly the raw format of Todd Allen's `cpuid -r` (input-formats.md
// §1a): a `CPU N:` header per CPU, then one line per (leaf, sub-leaf) printed as
// `"   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x"`. A leaf without sub-leaves is
// written with sub-leaf 0x00, as the tool does. `cpuid -f FILE` (Debian package `cpuid`) reads
// the result back and decodes it; so does the workbench's own cpuid-r reader.

import type { CpuidTable } from '../model/cpuid-table';
import type { CpuidDump } from '../model/dump';

export interface CpuidROutputOptions {
  /** CPU ids to write (in dump order); default all. */
  readonly cpus?: readonly number[];
}

function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).padStart(width, '0');
}

export function cpuidRLines(table: CpuidTable): string[] {
  const out: string[] = [];
  const r = table.regs;
  table.keys.forEach((k, i) => {
    out.push(
      `   0x${hex(k.leaf, 8)} 0x${hex(k.subleaf ?? 0, 2)}: eax=0x${hex(r[4 * i]!, 8)} ebx=0x${hex(r[4 * i + 1]!, 8)} ecx=0x${hex(r[4 * i + 2]!, 8)} edx=0x${hex(r[4 * i + 3]!, 8)}`,
    );
  });
  return out;
}

export function writeCpuidR(dump: CpuidDump, options: CpuidROutputOptions = {}): string {
  const wanted = options.cpus ? new Set(options.cpus) : null;
  const parts: string[] = [];
  for (const cpu of dump.cpus) {
    if (wanted && !wanted.has(cpu.id)) continue;
    parts.push(`CPU ${cpu.id}:`, ...cpuidRLines(cpu.table));
  }
  return parts.length ? `${parts.join('\n')}\n` : '';
}
