// QMP replies (input-formats.md section 9, 10c): `query-cpu-model-expansion`
// ({"return":{"model":{"name","props"}}}) and `qom-get` of `feature-words` /
// `filtered-features` (lists of X86CPUFeatureWordInfo {cpuid-input-eax, cpuid-input-ecx?,
// cpuid-register, features}), one reply or several concatenated (libvirt `.json` test data,
// QMP session logs with the `execute` commands in between).
// Layers (docs/kvm-json.md, "QMP"): `feature-words` are the vCPU's feature words, i.e. what
// QEMU passes in KVM_SET_CPUID2 (S), known only for those registers (`knownRegs`);
// `filtered-features` are requested bits the accelerator refused; model-expansion props are
// names, kept as such. A file with only a model expansion feeds K by name (`-cpu host`
// expansion = what KVM supports and QEMU knows).

import type { InputFormat } from './types';
import type { KvmCpuidEntry, KvmInput } from '../model/inputs';
import type { BitAddress, Reg, RegAddress } from '../model/address';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { stripBom } from '../model/text';
import { lineAt, parseJson, splitJsonValues } from '../ingest/json-text';

const ID = 'qmp';

interface WordInfo {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly features: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asWord(v: unknown): WordInfo | null {
  if (!isRecord(v)) return null;
  const eax = v['cpuid-input-eax'];
  const ecx = v['cpuid-input-ecx'];
  const reg = v['cpuid-register'];
  const features = v['features'];
  if (typeof eax !== 'number' || typeof features !== 'number' || typeof reg !== 'string') return null;
  const r = reg.toLowerCase();
  if (r !== 'eax' && r !== 'ebx' && r !== 'ecx' && r !== 'edx') return null;
  if (!Number.isInteger(eax) || eax < 0 || eax > 0xffffffff || !Number.isInteger(features) || features < 0 || features > 0xffffffff) return null;
  if (ecx !== undefined && (typeof ecx !== 'number' || !Number.isInteger(ecx) || ecx < 0 || ecx > 0xffffffff)) return null;
  return { leaf: eax, subleaf: typeof ecx === 'number' ? ecx : null, reg: r, features: features >>> 0 };
}

function wordsOf(v: unknown): WordInfo[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const out: WordInfo[] = [];
  for (const item of v) {
    const w = asWord(item);
    if (!w) return null;
    out.push(w);
  }
  return out;
}

function labelOf(reply: Record<string, unknown>, lastCommand: Record<string, unknown> | null): 'filtered' | 'words' | null {
  const id = typeof reply['id'] === 'string' ? reply['id'] : '';
  if (/filtered/i.test(id)) return 'filtered';
  if (/feature-?words/i.test(id)) return 'words';
  const args = lastCommand && isRecord(lastCommand['arguments']) ? lastCommand['arguments'] : null;
  const prop = args && typeof args['property'] === 'string' ? args['property'] : '';
  if (prop === 'filtered-features') return 'filtered';
  if (prop === 'feature-words') return 'words';
  return null;
}

export const qmp: InputFormat<KvmInput> = {
  id: ID,
  title: 'QMP replies (query-cpu-model-expansion, feature-words, filtered-features)',
  role: 'setCpuid',
  detect(text) {
    const t = stripBom(text).trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return null;
    const head = t.slice(0, 262144);
    const words = (head.match(/"cpuid-input-eax"/g) ?? []).length;
    const model = /"return"\s*:\s*\{\s*"model"\s*:/.test(head) && /"props"\s*:/.test(head);
    if (!words && !model) return null;
    const parts = [words ? `${words} feature words` : '', model ? 'a CPU model expansion' : ''].filter(Boolean).join(' and ');
    return { confidence: 0.9, reason: `QMP replies: ${parts}` };
  },
  parse(text, name) {
    const t = stripBom(text);
    const chunks = splitJsonValues(t);
    if (chunks.length === 0) throw new FormatError(name, 0, 'one or more QMP JSON replies', undefined, ID);
    const warnings: ParseWarning[] = [];
    let modelName: string | undefined;
    let modelProps: Record<string, boolean> | undefined;
    const wordSets: { label: 'filtered' | 'words' | null; words: WordInfo[]; line: number }[] = [];
    let lastCommand: Record<string, unknown> | null = null;
    for (const c of chunks) {
      const v = parseJson(c.text, name, ID, c.offset, t);
      const line = lineAt(t, c.offset);
      if (Array.isArray(v)) {
        const w = wordsOf(v);
        if (w) wordSets.push({ label: null, words: w, line });
        continue;
      }
      if (!isRecord(v)) continue;
      if (typeof v['execute'] === 'string') {
        lastCommand = v;
        continue;
      }
      const ret = v['return'];
      if (isRecord(ret) && isRecord(ret['model'])) {
        const m = ret['model'];
        if (typeof m['name'] === 'string') modelName = m['name'];
        if (isRecord(m['props'])) {
          modelProps = {};
          for (const [k, p] of Object.entries(m['props'])) if (typeof p === 'boolean') modelProps[k] = p;
        }
      } else {
        const w = wordsOf(ret);
        if (w) wordSets.push({ label: labelOf(v, lastCommand), words: w, line });
      }
      lastCommand = null;
    }
    // Unlabelled lists: libvirt asks for feature-words first, then filtered-features.
    let unlabelled = 0;
    const labelled = wordSets.map((s) => {
      if (s.label) return s;
      const label: 'filtered' | 'words' = unlabelled++ === 0 ? 'words' : 'filtered';
      warnings.push({ line: s.line, message: `feature-word list without a label read as ${label === 'words' ? 'feature-words' : 'filtered-features'} (order)` });
      return { ...s, label };
    });
    const words = labelled.filter((s) => s.label === 'words').flatMap((s) => s.words);
    const filtered = labelled.filter((s) => s.label === 'filtered').flatMap((s) => s.words);
    if (!words.length && !filtered.length && !modelProps) {
      throw new FormatError(name, 1, 'a QMP reply with feature-words, filtered-features or a CPU model expansion', t.trim().split('\n')[0], ID);
    }
    const byLeaf = new Map<string, { function: number; index: number; flags: number; eax: number; ebx: number; ecx: number; edx: number }>();
    const knownRegs: RegAddress[] = [];
    for (const w of words) {
      const key = `${w.leaf}:${w.subleaf ?? '-'}`;
      let e = byLeaf.get(key);
      if (!e) {
        e = { function: w.leaf, index: w.subleaf ?? 0, flags: w.subleaf === null ? 0 : 1, eax: 0, ebx: 0, ecx: 0, edx: 0 };
        byLeaf.set(key, e);
      }
      e[w.reg] = w.features;
      knownRegs.push({ leaf: w.leaf, subleaf: w.subleaf, reg: w.reg });
    }
    const filteredFeatures: BitAddress[] = [];
    for (const w of filtered) for (let b = 0; b < 32; b++) if ((w.features >>> b) & 1) filteredFeatures.push({ leaf: w.leaf, subleaf: w.subleaf, reg: w.reg, bit: b });
    const setCpuid: KvmCpuidEntry[] = [...byLeaf.values()];
    return {
      kind: 'kvm',
      format: ID,
      name,
      warnings,
      ...(setCpuid.length ? { setCpuid, knownRegs } : {}),
      qmp: {
        ...(modelName === undefined ? {} : { modelName }),
        ...(modelProps === undefined ? {} : { modelProps }),
        filteredFeatures,
      },
    };
  },
};
