import { describe, expect, it } from 'vitest';
import { demoReportFiles } from '../../shared/ingest/demo';
import { ingest } from '../../shared/ingest/ingest';
// @ts-expect-error: a plain .mjs script without types
import { render } from '../../tools/generate-demo-files.mjs';
import { readFileSync } from 'node:fs';

describe('the built-in demo bug report', () => {
  it('is in step with resources/demo (regenerate with node tools/generate-demo-files.mjs)', () => {
    expect(readFileSync('shared/ingest/demo-files.ts', 'utf8')).toBe((render as () => string)());
  });

  it('ships the real libvirt Sapphire Rapids dump unchanged (sha256 of the corpus provenance)', () => {
    const host = demoReportFiles().find((f) => f.path.endsWith('.xml'))!;
    const provenance = readFileSync('test/fixtures/corpus/provenance.tsv', 'utf8');
    expect(provenance).toContain(`x86_64-cpuid-Xeon-Bronze-3408U.xml\tlibvirt/libvirt`);
    expect(provenance).toContain(host.sha256);
  });

  it('classifies into host, module, requested and QEMU log; only the guest is missing', () => {
    const r = ingest(demoReportFiles());
    expect(r.unrecognized).toEqual([]);
    expect(r.conflicts).toEqual([]);
    expect(r.inputs.map((i) => [i.path, i.format, i.role])).toEqual([
      ['demo/host-cpuid-Xeon-Bronze-3408U.xml', 'libvirt-cpudata', 'host'],
      ['demo/dmesg-tdx.txt', 'dmesg', 'context'],
      ['demo/qemu-cmdline.txt', 'qemu-cmdline', 'requested'],
      ['demo/qemu.log', 'qemu-log', 'context'],
    ]);
    const status = Object.fromEntries(r.manifest.map((m) => [m.id, m.status]));
    expect(status).toMatchObject({ host: 'found', module: 'found', kernel: 'found', requested: 'found', qemuLog: 'found', guest: 'missing' });
    const e = r.engineInputs;
    expect(e.hosts[0]!.meta).toMatchObject({ family: 6, model: 0x8f, stepping: 7 });
    expect(e.dmesg?.moduleVersion).toBe('1.5.06');
    expect(e.qemuCmdline?.cpu).toMatchObject({ model: 'host', check: true });
    expect(e.qemuLog?.featureWarnings.map((w) => `${w.kind}:${w.name}`)).toEqual(['host-unsupported:intel-pt', 'host-unsupported:waitpkg', 'forced-on:pdcm', 'forced-on:invtsc']);
  });

  it('names bits the host really has: intel-pt 7.0.EBX[25] and waitpkg 7.0.ECX[5] are set in the dump', () => {
    const host = ingest(demoReportFiles()).engineInputs.hosts[0]!;
    const l7 = host.cpus[0]!.table.get(7, 0)!;
    expect((l7.ebx >>> 25) & 1).toBe(1);
    expect((l7.ecx >>> 5) & 1).toBe(1);
  });
});
