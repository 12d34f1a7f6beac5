// The analysis store with the real analysis (ingestion + engine) run in process on the
// built-in demo bug report: what the worker does in the application.
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { setupStores } from '../../test/setup';
import type { TestEnv } from '../../test/setup';
import { inProcessAnalysisService } from '../analysis/service';
import { createAnalyst } from '../analysis/analyst';
import { startWorkbench } from '../session';
import { useAnalysisStore } from './analysis';
import { useContextStore } from './context';
import { useGridStore } from './grid';
import { useInputsStore } from './inputs';
import { useUiStore } from './ui';
import { rowClass } from '../analysis/row-table';

let env: TestEnv;

async function settle(): Promise<void> {
  const analysis = useAnalysisStore();
  for (let i = 0; i < 3000 && (analysis.running || !analysis.result); i++) await new Promise((r) => setTimeout(r, 10));
  await nextTick();
}

function classOf(key: string): string | null {
  const grid = useGridStore();
  const i = grid.model.byKey.get(key);
  const item = i === undefined ? undefined : grid.model.items[i];
  return item && item.kind !== 'group' ? rowClass(grid.model.table, item.index) : null;
}

describe('analysis of the demo bug report', () => {
  beforeEach(async () => {
    env = setupStores();
    await startWorkbench({ bridge: env.bridge, service: inProcessAnalysisService(createAnalyst()), pinia: env.pinia });
    await settle();
  }, 60_000);

  it('opens the demo at the first start and reconciles it', () => {
    const analysis = useAnalysisStore();
    expect(useInputsStore().inputs.map((i) => i.file.path).sort()).toEqual([
      'demo/dmesg-tdx.txt',
      'demo/host-cpuid-Xeon-Bronze-3408U.xml',
      'demo/qemu-cmdline.txt',
      'demo/qemu.log',
    ]);
    const rec = analysis.reconciliation!;
    expect(rec.context.module).toMatchObject({ requested: '1.5.06', table: '1.5.06', from: 'dmesg' });
    expect(rec.predicted.status.tdCreated).toBe(true);
    expect(rec.rows.count).toBeGreaterThan(10_000);
    const host = analysis.result!.inputs.find((r) => r.path === 'demo/host-cpuid-Xeon-Bronze-3408U.xml')!;
    expect(host).toMatchObject({ status: 'ok', format: 'libvirt-cpudata', layer: 'host' });
    expect(host.cpu?.brand).toBe('Intel(R) Xeon(R) Bronze 3408U');
    expect(analysis.catalog.modules.map((m) => m.version)).toContain('1.5.13');
    expect(analysis.catalog.rules.map((r) => r.id)).toContain('module-init-verify');
  });

  it('recomputes when the context changes ("what if")', async () => {
    expect(classOf('6:-:eax:2')).toBe('FAULTING');
    useContextStore().module = '1.5.13';
    await nextTick();
    await settle();
    expect(useAnalysisStore().reconciliation!.context.module.table).toBe('1.5.13');
    expect(classOf('6:-:eax:2')).toBe('FIXED1');
  });

  it('leaves an input out when the user excludes it, and says which inputs it cannot use', async () => {
    const inputs = useInputsStore();
    const dmesg = inputs.inputs.find((i) => i.file.path === 'demo/dmesg-tdx.txt')!;
    inputs.update(dmesg.id, { disabled: true });
    await nextTick();
    await settle();
    // Without the kernel log the module version is no longer known: the newest suitable table is used.
    expect(useAnalysisStore().reconciliation!.context.module.from).toBe('default');
    inputs.add([{ path: 'notes.txt', origin: 'notes.txt', sha256: 'f'.repeat(64), size: 10, text: 'not a dump at all\n' }]);
    await nextTick();
    await settle();
    const report = useAnalysisStore().result!.inputs.find((r) => r.path === 'notes.txt')!;
    expect(report.status).toBe('unrecognised');
    expect(useUiStore().toasts.at(-1)).toMatchObject({ kind: 'warning', detail: [expect.stringMatching(/^notes\.txt: not a format/)] });
  });
});
