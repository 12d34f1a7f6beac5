import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { emptyWorkspace, WORKSPACE_SCHEMA, workspaceSchema } from '../../../shared/api/workspace';
import { setupStores, showReconciliation } from '../../test/setup';
import type { TestEnv } from '../../test/setup';
import { smallReconciliation } from '../../test/fixtures';
import { parseHex64, useContextStore } from './context';
import { useInputsStore } from './inputs';
import { useGridStore } from './grid';
import { useUiStore } from './ui';
import { useWorkspaceStore } from './workspace';
import { useCompareStore } from './compare';
import { bridge } from '../platform/bridge';

const FILE = { path: 'host/cpuid.txt', origin: 'host/cpuid.txt', sha256: 'a'.repeat(64), size: 5, text: 'CPU 0' };

describe('context store', () => {
  beforeEach(() => void setupStores());

  it('turns the fields into engine options, leaving out empty and invalid ones', () => {
    const c = useContextStore();
    expect(c.options).toEqual({});
    c.module = '1.5.06';
    c.cpu = ' host,-pks ';
    c.pmu = 'on';
    c.attributes = '0x10000000';
    c.xfam = 'zz';
    c.tscKhz = '2000000';
    expect(c.options).toEqual({ module: '1.5.06', cpu: 'host,-pks', pmu: true, attributes: 0x10000000n, tscKhz: 2000000 });
    expect(c.errors).toEqual({ xfam: expect.stringMatching(/hex/) });
    expect(c.overridden).toBe(5);
  });

  it('round-trips through the workspace form', () => {
    const c = useContextStore();
    c.apply({ module: '2.0.08', pmu: false, xfam: '0x61ae7', tscKhz: 2500000 });
    const ws = c.toWorkspace();
    expect(ws).toEqual({ module: '2.0.08', pmu: false, xfam: '0x61ae7', tscKhz: 2500000 });
    c.reset();
    expect(c.options).toEqual({});
  });

  it('reads 64-bit hex with or without 0x', () => {
    expect(parseHex64('0x8000000010000000')).toBe(0x8000000010000000n);
    expect(parseHex64('61ae7')).toBe(0x61ae7n);
    expect(parseHex64('0x')).toBeNull();
    expect(parseHex64('0x1ffffffffffffffff')).toBeNull();
  });
});

describe('inputs store', () => {
  beforeEach(() => void setupStores());

  it('adds files once, keeps overrides, removes', () => {
    const s = useInputsStore();
    const first = s.add([FILE]);
    expect(first.added).toHaveLength(1);
    expect(s.add([FILE]).duplicates).toEqual(['host/cpuid.txt']);
    const id = first.added[0]!.id;
    s.update(id, { format: 'cpuid-r', layer: 'guest' });
    expect(s.forAnalysis).toEqual([{ id, path: FILE.path, sha256: FILE.sha256, size: 5, text: 'CPU 0', format: 'cpuid-r', layer: 'guest' }]);
    s.update(id, { format: undefined, disabled: true });
    expect(s.forAnalysis[0]).toEqual({ id, path: FILE.path, sha256: FILE.sha256, size: 5, text: 'CPU 0', layer: 'guest', disabled: true });
    s.remove(id);
    expect(s.inputs).toEqual([]);
  });

  it('round-trips through the workspace form', () => {
    const s = useInputsStore();
    s.replaceAll([{ path: 'a.txt', sha256: 'b'.repeat(64), size: 1, text: 'x', layer: 'host' }]);
    expect(s.toWorkspace()).toEqual([{ path: 'a.txt', sha256: 'b'.repeat(64), size: 1, text: 'x', layer: 'host' }]);
  });
});

describe('grid store', () => {
  beforeEach(() => {
    setupStores();
    showReconciliation(smallReconciliation());
  });

  it('builds the model from the reconciliation and filters it', async () => {
    const g = useGridStore();
    await nextTick();
    expect(g.model.rowCount).toBe(8);
    g.text = 'avx512';
    expect(g.filtered.rows).toBe(2);
    expect(g.active).toBe(true);
    g.clearFilters();
    expect(g.filtered.rows).toBe(8);
  });

  it('selects by address and a finding selects its first bit and limits the grid to its bits', async () => {
    const g = useGridStore();
    await nextTick();
    expect(g.selectAddress('7.0.EBX[16]')).toBe(true);
    expect(g.selected?.address).toBe('7.0.EBX[16]');
    expect(g.selectAddress('7.0.EBX[30]')).toBe(false);
    g.focusFinding(0);
    expect(g.finding).toBe(0);
    expect(g.selected?.address).toBe('7.0.EBX[4]');
    expect(g.filtered.rows).toBe(2);
    expect(g.selectedFindings.map((f) => f.rule)).toEqual(['requested-unavailable']);
  });
});

describe('workspace store', () => {
  let env: TestEnv;
  beforeEach(() => {
    env = setupStores();
    showReconciliation(smallReconciliation());
  });

  it('snapshots inputs, context and view into a valid workspace and applies it back', async () => {
    const inputs = useInputsStore();
    const context = useContextStore();
    const grid = useGridStore();
    const ui = useUiStore();
    const ws = useWorkspaceStore();
    inputs.add([FILE]);
    context.module = '1.5.06';
    grid.text = 'avx';
    grid.differencesOnly = true;
    grid.select('7:0:ebx:16');
    ui.view = 'registerMap';
    ui.mapMode = 'disagreement';
    const snap = ws.snapshot();
    expect(workspaceSchema.safeParse(snap).success).toBe(true);
    expect(snap.schema).toBe(WORKSPACE_SCHEMA);

    ws.closeAll();
    ui.view = 'grid';
    ui.mapMode = 'class';
    expect(inputs.inputs).toEqual([]);
    ws.apply(JSON.parse(JSON.stringify(snap)), 'w.tdxws');
    await nextTick();
    expect(inputs.inputs.map((i) => i.file.path)).toEqual(['host/cpuid.txt']);
    expect(context.module).toBe('1.5.06');
    expect(grid.text).toBe('avx');
    expect(grid.differencesOnly).toBe(true);
    expect(grid.selectedKey).toBe('7:0:ebx:16');
    expect(ui.view).toBe('registerMap');
    expect(ui.mapMode).toBe('disagreement');
    expect(ws.path).toBe('w.tdxws');
  });

  it('saves through the bridge and reopens what it saved', async () => {
    const ws = useWorkspaceStore();
    useInputsStore().add([FILE]);
    await ws.save('save-as');
    expect(env.downloads).toHaveLength(1);
    ws.closeAll();
    env.picks.push([new File([env.downloads[0]!.content], 'workspace.tdxws')]);
    await ws.open();
    expect(useInputsStore().inputs.map((i) => i.file.sha256)).toEqual([FILE.sha256]);
  });

  it('asks where to save once the session no longer comes from a workspace file', async () => {
    const ws = useWorkspaceStore();
    const modes: string[] = [];
    const b = bridge();
    const real = b.saveWorkspace.bind(b);
    b.saveWorkspace = (w, mode) => {
      modes.push(mode);
      return real(w, mode);
    };
    ws.apply({ ...ws.snapshot(), inputs: [] }, 'old.tdxws');
    await ws.save('save');
    ws.closeAll();
    useInputsStore().add([FILE]);
    await ws.save('save');
    expect(modes).toEqual(['save', 'save-as']);
  });

  it('keeps the session when a workspace file is bad, and says why', async () => {
    const ws = useWorkspaceStore();
    useInputsStore().add([FILE]);
    env.picks.push([new File(['not json'], 'broken.tdxws')]);
    await ws.open();
    expect(useInputsStore().inputs).toHaveLength(1);
    const toast = useUiStore().toasts.at(-1);
    expect(toast?.kind).toBe('error');
    expect(toast?.detail?.[0]).toMatch(/broken\.tdxws: not a workspace file/);
  });

  it('restores the autosaved session at start, else opens the demo', async () => {
    const ws = useWorkspaceStore();
    await env.session.set('last-session', JSON.stringify({ ...emptyWorkspace(), inputs: [{ path: 'saved.txt', sha256: 'c'.repeat(64), size: 1, text: 'y' }], context: { kernel: '6.12' } }));
    await ws.start();
    expect(useInputsStore().inputs.map((i) => i.file.path)).toEqual(['saved.txt']);
    expect(useContextStore().kernel).toBe('6.12');

    await env.session.delete('last-session');
    await ws.start();
    // No session: the demo bug report is opened.
    const paths = useInputsStore().inputs.map((i) => i.file.path);
    expect(paths).toHaveLength(4);
    expect(paths.every((p) => p.startsWith('demo/'))).toBe(true);
  });

  it('reports unreadable files without touching what is loaded', () => {
    const ws = useWorkspaceStore();
    useInputsStore().add([FILE]);
    ws.addOpened({ files: [], problems: [{ path: 'x.bin', message: 'binary file' }] });
    expect(useInputsStore().inputs).toHaveLength(1);
    expect(useUiStore().toasts.at(-1)).toMatchObject({ kind: 'warning', detail: ['x.bin: binary file'] });
  });
});

describe('compare store', () => {
  beforeEach(() => void setupStores());

  it('offers hosts from the analysed inputs and picks two different sides', async () => {
    const compare = useCompareStore();
    showReconciliation(smallReconciliation(), {
      inputs: ['a', 'b'].map((id) => ({
        id,
        path: `${id}.txt`,
        status: 'ok',
        format: 'cpuid-r',
        formatTitle: 'cpuid -r',
        layer: 'host',
        confidence: 1,
        reason: '',
        layerConfidence: 0.9,
        layerReason: '',
        forced: { format: false, layer: false },
        cpu: null,
        facts: [],
        warnings: [],
        problems: [],
        alternatives: [],
      })),
    });
    await nextTick();
    expect(compare.hostChoices.map((c) => c.value)).toEqual(['a', 'b']);
    expect(compare.a).toBe('a');
    expect(compare.b).toBe('b');
    expect(compare.baselineHosts).toEqual(['a', 'b']);
  });
});
