// Captured layers replace predictions downstream (layerOrigin says which) and are compared
// with the prediction: a captured TD (KVM_TDX_GET_CPUID) or capabilities list that differs
// from what the engine predicts shows as a disagreement on that bit.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../../shared/model/dump';
import type { KvmCpuidEntry, KvmInput } from '../../shared/model/inputs';
import { finishDump } from '../../shared/model/build-dump';
import { CpuidTable } from '../../shared/model/cpuid-table';
import { analyze } from '../../shared/engine/reconcile';
import { ingest } from '../../shared/ingest/ingest';
import { writeCpuidR } from '../../shared/formats/write-cpuid-r';
import type { SourceFile } from '../../shared/model/source';
import { corpusDump, hostInputs } from './engine-corpus';

let dump: CpuidDump;
beforeAll(async () => {
  dump = await corpusDump('aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt');
});

const kvmInput = (fields: Partial<KvmInput>): KvmInput => ({ kind: 'kvm', format: 'test', name: 'capture.json', warnings: [], ...fields });

function disagreeing(r: ReturnType<typeof analyze>['reconciliation']): string[] {
  return r.bits.filter((b) => b.disagreement).map((b) => `${b.leaf}.${b.subleaf}.${b.reg}.${b.bit}`);
}

function row(r: ReturnType<typeof analyze>['reconciliation'], leaf: number, subleaf: number | null, reg: string, bit: number) {
  return r.bits.find((x) => x.leaf === leaf && x.subleaf === subleaf && x.reg === reg && x.bit === bit)!;
}

describe('captured layers', () => {
  it('a captured TD equal to the prediction: origin captured, no disagreement', () => {
    const predicted = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation;
    const td: KvmCpuidEntry[] = predicted.predicted.td.map((e) => ({ function: e.leaf, index: e.subleaf ?? 0, flags: e.subleaf === null ? 0 : 1, eax: e.eax, ebx: e.ebx, ecx: e.ecx, edx: e.edx }));
    const r = analyze({ ...hostInputs(dump), kvm: [kvmInput({ tdCpuid: td })] }, { module: '1.5.06' }).reconciliation;
    expect(r.layerOrigin.td).toBe('captured');
    // Only what the prediction itself flags: PDCM, which QEMU removes with pmu=off while the
    // module forces it (native-verified 1): QEMU's "TDX forcibly sets the feature: pdcm".
    expect(disagreeing(r)).toEqual(disagreeing(predicted));
    expect(disagreeing(predicted)).toEqual(['1.null.ecx.15']);
  });

  it('a captured TD that differs from the prediction flags the bit', () => {
    const predicted = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation;
    const td: KvmCpuidEntry[] = predicted.predicted.td.map((e) => ({
      function: e.leaf,
      index: e.subleaf ?? 0,
      flags: 0,
      eax: e.eax,
      // AVX512F missing from the captured TD.
      ebx: e.leaf === 7 && e.subleaf === 0 ? e.ebx & ~(1 << 16) : e.ebx,
      ecx: e.ecx,
      edx: e.edx,
    }));
    const r = analyze({ ...hostInputs(dump), kvm: [kvmInput({ tdCpuid: td })] }, { module: '1.5.06' }).reconciliation;
    const avx512f = row(r, 7, 0, 'ebx', 16);
    expect(avx512f.values.td).toBe(0);
    expect(avx512f.values.requested).toBe(1);
    expect(avx512f.disagreement).toBe(true);
    expect(disagreeing(r)).toEqual(['1.null.ecx.15', '7.0.ebx.16']);
  });

  it('captured capabilities feed QEMU and the TD instead of the prediction', () => {
    const predicted = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation.predicted.tdxCaps;
    const cpuid: KvmCpuidEntry[] = predicted.cpuid.map((c) => ({
      function: c.leaf,
      index: c.subleaf ?? 0,
      flags: 0,
      eax: c.eax,
      ebx: c.leaf === 7 && c.subleaf === 0 ? c.ebx & ~(1 << 16) : c.ebx,
      ecx: c.ecx,
      edx: c.edx,
    }));
    const caps = { abi: '6.16' as const, supportedAttrs: predicted.supportedAttrs, supportedXfam: predicted.supportedXfam, cpuid };
    const r = analyze({ ...hostInputs(dump), kvm: [kvmInput({ tdxCaps: caps })] }, { module: '1.5.06' }).reconciliation;
    expect(r.layerOrigin.tdxCaps).toBe('captured');
    const avx512f = row(r, 7, 0, 'ebx', 16);
    expect(avx512f.values).toMatchObject({ host: 1, tdxCaps: 0, qemuSupported: 0, td: 0 });
    expect(avx512f.decidedBy).toBe('tdxCaps');
    expect(avx512f.disagreement).toBe(true); // captured capabilities differ from the prediction
  });

  it('a guest dump (leaf 0x21 "IntelTDX") is classified as the guest and replaces the predicted guest', () => {
    const predicted = analyze(hostInputs(dump), { module: '1.5.06' });
    const g = predicted.state.layers.guest!;
    const table = CpuidTable.fromEntries(g.toEntries());
    const guest = finishDump({ format: 'test', name: 'guest.txt', valueKind: 'values', cpus: [{ id: 0, table }] });
    expect(guest.meta.tdxGuest).toBe(true);
    // Both as a bug report carries them: cpuid -r text, recognised by the ingestion classifier.
    const file = (path: string, text: string): SourceFile => ({ path, sha256: path, size: text.length, text });
    const c = ingest([file('host.txt', writeCpuidR(dump)), file('guest.txt', writeCpuidR(guest))]);
    expect(c.engineInputs.sources.map((s) => s.layer)).toEqual(['host', 'guest']);
    const r = analyze(c.engineInputs, { module: '1.5.06' }).reconciliation;
    expect(r.layerOrigin.guest).toBe('captured');
    expect(row(r, 7, 0, 'ebx', 16).values.guest).toBe(1);
  });
});
