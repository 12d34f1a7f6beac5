// Which module table the engine picks from what dmesg prints, including the older kernels
// that print only "major_version 1, minor_version 5, ... build_num N".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../shared/ingest/ingest';
import { reconcile } from '../../shared/engine/reconcile';

const host = readFileSync(join(__dirname, '../fixtures/corpus/libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml'), 'utf8');

function moduleFor(dmesgText: string) {
  const files = [
    { path: 'host.xml', sha256: '0'.repeat(64), size: host.length, text: host },
    { path: 'dmesg.txt', sha256: '1'.repeat(64), size: dmesgText.length, text: dmesgText },
  ];
  const { engineInputs } = ingest(files);
  return reconcile(engineInputs, {}).context.module;
}

describe('module version from dmesg', () => {
  it('takes the full version when the kernel prints it', () => {
    const m = moduleFor('[    0.000000] Linux version 6.16.0 (gcc 14)\n[    5.100000] virt/tdx: TDX module 1.5.06.00.0744 initialized\n');
    expect(m).toMatchObject({ table: '1.5.06', exact: true, from: 'dmesg' });
  });

  it('maps the build number when only major/minor are printed', () => {
    const m = moduleFor(
      '[    0.000000] Linux version 6.8.0 (gcc 13)\n[    5.100000] virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, build_date 20240129, build_num 698\n',
    );
    expect(m).toMatchObject({ table: '1.5.05', exact: true, from: 'dmesg' });
    expect(m.requested).toContain('698');
  });
});
