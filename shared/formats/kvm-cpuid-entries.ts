// "KVM CPUID Entries:" tables: KVM_GET_SUPPORTED_CPUID (or another kvm_cpuid2) printed in
// `cpuid -r` row style, as pasted on the KVM list (input-formats.md section 13):
//     KVM CPUID Entries:
//         Function   Index Output
//         0x00000000 0x00: eax=0x0000000b ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69
// The heading names the ioctl; headings naming KVM_TDX_GET_CPUID or KVM_SET_CPUID2 (the
// capture script writes those too) feed the TD and SET_CPUID2 layers. Without a heading the
// rows are etallen `cpuid -r` and belong to that reader.

import type { InputFormat } from './types';
import type { KvmCpuidEntry, KvmInput } from '../model/inputs';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { splitLines, unquote } from '../model/text';
import { parseBareHex64 } from '../ingest/numbers';

const ID = 'kvm-cpuid-entries';
const HEADING = /^\s*(KVM CPUID Entries|KVM_GET_SUPPORTED_CPUID|KVM_TDX_GET_CPUID|KVM_SET_CPUID2)\b[^:]*:?\s*$/;
const ROW =
  /^\s*(0x[0-9a-fA-F]{1,8})\s+(0x[0-9a-fA-F]{1,8}):\s*eax=(0x[0-9a-fA-F]{1,8})\s+ebx=(0x[0-9a-fA-F]{1,8})\s+ecx=(0x[0-9a-fA-F]{1,8})\s+edx=(0x[0-9a-fA-F]{1,8})(?:\s+flags=(0x[0-9a-fA-F]{1,8}))?\s*$/;
const COLUMNS = /^\s*Function\s+Index\s+(?:Flags\s+)?Output\s*$/i;

type Target = 'kvmSupported' | 'tdCpuid' | 'setCpuid';

function targetOf(heading: string): Target {
  if (heading.startsWith('KVM_TDX_GET_CPUID')) return 'tdCpuid';
  if (heading.startsWith('KVM_SET_CPUID2')) return 'setCpuid';
  return 'kvmSupported';
}

export const kvmCpuidEntries: InputFormat<KvmInput> = {
  id: ID,
  title: '"KVM CPUID Entries:" table (cpuid -r row style)',
  role: 'kvmSupported',
  detect(text) {
    const head = text.slice(0, 262144);
    // Every heading starts with "KVM": without it there is no table (and no need to split).
    if (!head.includes('KVM')) return null;
    const lines = head.split(/\r?\n/, 4000);
    let heading: string | null = null;
    let rows = 0;
    for (const raw of lines) {
      const l = unquote(raw);
      const h = HEADING.exec(l);
      if (h) heading ??= h[1]!;
      else if (ROW.test(l)) rows++;
    }
    if (!heading || rows === 0) return null;
    return { confidence: 0.95, reason: `"${heading}" table: ${rows} entries` };
  },
  parse(text, name) {
    const warnings: ParseWarning[] = [];
    const tables: Record<Target, KvmCpuidEntry[]> = { kvmSupported: [], tdCpuid: [], setCpuid: [] };
    let current: Target | null = null;
    for (const { no, text: raw } of splitLines(text)) {
      const l = unquote(raw);
      if (l.trim() === '' || COLUMNS.test(l)) continue;
      const h = HEADING.exec(l);
      if (h) {
        current = targetOf(h[1]!);
        continue;
      }
      const m = ROW.exec(l);
      if (!m) {
        if (current === null) continue; // text before the first table (mail, prompt)
        throw new FormatError(name, no, "a row like '0x00000007 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...'", l.trim(), ID);
      }
      if (current === null) throw new FormatError(name, no, 'a "KVM CPUID Entries:" heading before the first row', l.trim(), ID);
      const v = m.slice(1, 7).map((s) => Number(parseBareHex64(s!) ?? 0n));
      const flags = m[7] ? Number(parseBareHex64(m[7]) ?? 0n) : v[1]! !== 0 ? 1 : 0;
      tables[current].push({ function: v[0]!, index: v[1]!, flags, eax: v[2]!, ebx: v[3]!, ecx: v[4]!, edx: v[5]! });
    }
    if (!tables.kvmSupported.length && !tables.tdCpuid.length && !tables.setCpuid.length) {
      throw new FormatError(name, 0, 'a "KVM CPUID Entries:" heading followed by rows', undefined, ID);
    }
    // Sub-leaf 0 of a leaf that also has sub-leaf 1.. is significant too.
    for (const t of Object.values(tables)) {
      const multi = new Set(t.filter((e) => e.index !== 0).map((e) => e.function));
      for (let i = 0; i < t.length; i++) if (multi.has(t[i]!.function) && t[i]!.flags === 0) t[i] = { ...t[i]!, flags: 1 };
    }
    return {
      kind: 'kvm',
      format: ID,
      name,
      warnings,
      ...(tables.kvmSupported.length ? { kvmSupported: tables.kvmSupported } : {}),
      ...(tables.tdCpuid.length ? { tdCpuid: tables.tdCpuid } : {}),
      ...(tables.setCpuid.length ? { setCpuid: tables.setCpuid } : {}),
    };
  },
};
