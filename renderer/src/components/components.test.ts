import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import ReconciliationGrid from './ReconciliationGrid.vue';
import BitInspector from './BitInspector.vue';
import FindingsPanel from './FindingsPanel.vue';
import CommandPalette from './CommandPalette.vue';
import RegisterMap from './RegisterMap.vue';
import ContextBar from './ContextBar.vue';
import { giveScrollersASize, setupStores, showReconciliation } from '../../test/setup';
import type { TestEnv } from '../../test/setup';
import { smallReconciliation } from '../../test/fixtures';
import { useGridStore } from '../stores/grid';
import { useUiStore } from '../stores/ui';
import { useContextStore } from '../stores/context';

let env: TestEnv;

beforeAll(() => giveScrollersASize());

beforeEach(() => {
  env = setupStores();
  showReconciliation(smallReconciliation());
});

/** Mounts and lets the virtual list measure its scroll element and render. */
async function mountReady<C extends Parameters<typeof mount>[0]>(component: C) {
  const w = mount(component, { global: { plugins: [env.pinia] } });
  await flushPromises();
  await nextTick();
  return w;
}

function addresses(w: ReturnType<typeof mount>): string[] {
  return w.findAll('.vrow.data .c-addr').map((e) => e.text());
}

describe('reconciliation grid', () => {
  it('renders register headers and rows with layer values, class tag and TD value', async () => {
    const w = await mountReady(ReconciliationGrid);
    expect(w.findAll('.vrow.group').map((g) => g.find('.g-label').text())).toEqual(['1.ECX', '7.0.EBX', '0x17.0.EBX', '0x80000008.EAX']);
    expect(addresses(w)).toContain('7.0.EBX[16]');
    const hle = w.find('[data-key="7:0:ebx:4"]');
    expect(hle.classes()).toContain('disagree');
    expect(hle.find('.c-mark').text()).toBe('≠');
    expect(hle.find('.chip').text()).toBe('C&N');
    // decided by C (tdxCaps): the caps cell is outlined, the TD value carries its symbol
    expect(hle.findAll('.c-layer')[2]!.classes()).toContain('decided');
    expect(hle.find('.final .by').text()).toBe('C');
    // host says 1, TD 0: the host cell is marked as disagreeing
    expect(hle.findAll('.c-layer')[0]!.classes()).toContain('differs');
    const field = w.find('[data-key="2147483656:-:eax:0-7"]');
    expect(field.findAll('.c-layer')[0]!.text()).toBe('34');
    expect(w.find('[data-count="rows"]').text()).toMatch(/8\s+of 8 rows/);
  });

  it('filters as the user types and by the check boxes', async () => {
    const w = await mountReady(ReconciliationGrid);
    await w.find('[data-filter="text"]').setValue('0x80000008');
    expect(addresses(w)).toEqual(['0x80000008.EAX[7:0]']);
    await w.find('[data-filter="text"]').setValue('');
    await w.find('[data-filter="differences"]').setValue(true);
    expect(addresses(w)).toEqual(['7.0.EBX[4]', '7.0.EBX[11]']);
    await w.find('[data-action="clear-filters"]').trigger('click');
    expect(addresses(w)).toHaveLength(8);
  });

  it('moves the selection with the keyboard and opens the inspector with Enter', async () => {
    const w = await mountReady(ReconciliationGrid);
    const grid = useGridStore();
    const ui = useUiStore();
    ui.inspectorOpen = false;
    const g = w.find('[data-testid="grid"]');
    await g.trigger('keydown', { key: 'ArrowDown' });
    expect(grid.selected?.address).toBe('1.ECX[3]');
    await g.trigger('keydown', { key: 'ArrowDown' });
    await g.trigger('keydown', { key: 'ArrowDown' });
    // skips the 7.0.EBX header
    expect(grid.selected?.address).toBe('7.0.EBX[4]');
    await g.trigger('keydown', { key: 'End' });
    expect(grid.selected?.address).toBe('0x80000008.EAX[7:0]');
    await g.trigger('keydown', { key: 'ArrowUp' });
    expect(grid.selected?.address).toBe('0x17.0.EBX[16]');
    await g.trigger('keydown', { key: 'Home' });
    expect(grid.selected?.address).toBe('1.ECX[3]');
    await g.trigger('keydown', { key: 'Enter' });
    expect(ui.inspectorOpen).toBe(true);
    expect(w.find('[aria-selected="true"]').attributes('data-key')).toBe('1:-:ecx:3');
  });

  it('selects a row on click', async () => {
    const w = await mountReady(ReconciliationGrid);
    await w.find('[data-key="7:0:ebx:16"]').trigger('click');
    expect(useGridStore().selectedKey).toBe('7:0:ebx:16');
  });
});

describe('bit inspector', () => {
  it('tells the selected bit’s story and copies it as text', async () => {
    const writeText = vi.fn(async (_t: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const w = mount(BitInspector, { global: { plugins: [env.pinia] } });
    expect(w.text()).toMatch(/Select a bit/);
    useGridStore().select('7:0:ebx:4');
    await nextTick();
    expect(w.find('[data-testid="inspector-address"]').text()).toBe('7.0.EBX[4]');
    expect(w.findAll('[data-testid="reason-chain"] li').map((l) => l.text())).toEqual(['hle: reason one', 'reason two']);
    expect(w.text()).toMatch(/requested-unavailable/);
    expect(w.text()).toMatch(/QEMU target\/i386\/kvm\/tdx\.c/);
    expect(w.find('tr.decided .sym').text()).toBe('C');
    await w.find('[data-action="copy-bit"]').trigger('click');
    await vi.waitFor(() => expect(writeText).toHaveBeenCalled());
    const text = writeText.mock.calls[0]![0];
    expect(text).toMatch(/^CPUID 7\.0\.EBX\[4\] \(hle\)\n/);
    expect(text).toMatch(/Class: CONFIG_AND_NATIVE/);
    expect(text).toMatch(/H=1 K=– C=– Q=– U=1 I=– T=0 S=– G=0/);
    expect(text).toMatch(/Why:\n {2}1\. hle: reason one\n {2}2\. reason two/);
    expect(text).toMatch(/\[warning\] requested-unavailable/);
    expect(text).toMatch(/Context: module 1\.5\.06, kernel 6\.16, QEMU 10\.1, -cpu host/);
  });

  it('shows the gates of a gated bit in words', async () => {
    const w = mount(BitInspector, { global: { plugins: [env.pinia] } });
    useGridStore().select('7:0:ebx:16');
    await nextTick();
    expect(w.find('.gates').text()).toMatch(/XFAM:5\s+needs XFAM\[5\] \(AVX-512 opmask\)/);
  });
});

describe('findings panel', () => {
  it('groups by severity then rule, and selecting a finding selects its bits', async () => {
    const w = mount(FindingsPanel, { global: { plugins: [env.pinia] } });
    expect(w.findAll('.sevgroup').map((s) => s.attributes('data-severity'))).toEqual(['warning', 'info']);
    expect(w.findAll('.rulehead .mono').map((r) => r.text())).toEqual(['requested-unavailable', 'forced-on']);
    await w.find('[data-finding="0"]').trigger('click');
    const grid = useGridStore();
    expect(grid.finding).toBe(0);
    expect(grid.selected?.address).toBe('7.0.EBX[4]');
    expect(grid.filtered.rows).toBe(2);
    await w.find('[data-finding="0"] .bitchip:nth-child(2)').trigger('click');
    expect(grid.selected?.address).toBe('7.0.EBX[11]');
  });
});

describe('register map', () => {
  it('draws 32 cells per register, bit 31 first, coloured by class or disagreement', async () => {
    const w = await mountReady(RegisterMap);
    const strip = w.find('[data-strip="7.0.EBX"]');
    const cells = strip.findAll('.cell');
    expect(cells).toHaveLength(32);
    expect(cells[0]!.attributes('data-bit')).toBe('31');
    const bit16 = strip.find('[data-bit="16"]');
    expect(bit16.classes()).toContain('cls-CONFIG_AND_NATIVE');
    expect(bit16.text()).toBe('1');
    expect(strip.find('[data-bit="5"]').classes()).toContain('empty');
    await w.find('[data-map-mode="disagreement"]').trigger('click');
    await flushPromises();
    expect(useUiStore().mapMode).toBe('disagreement');
    expect(strip.find('[data-bit="4"]').classes()).toContain('dis');
    expect(strip.find('[data-bit="4"]').text()).toBe('≠');
    expect(strip.find('[data-bit="16"]').classes()).toContain('agree');
    await strip.find('[data-bit="11"]').trigger('click');
    expect(useGridStore().selected?.address).toBe('7.0.EBX[11]');
  });

  it('joins the cells of a field', async () => {
    const w = await mountReady(RegisterMap);
    const strip = w.find('[data-strip="0x80000008.EAX"]');
    expect(strip.find('[data-bit="7"]').classes()).toContain('f-start');
    expect(strip.find('[data-bit="3"]').classes()).toContain('f-middle');
    expect(strip.find('[data-bit="0"]').classes()).toContain('f-end');
  });
});

describe('command palette', () => {
  it('finds commands by words, runs the chosen one, jumps to a typed bit', async () => {
    const ui = useUiStore();
    ui.paletteOpen = true;
    const w = mount(CommandPalette, { global: { plugins: [env.pinia] }, attachTo: document.body });
    const input = w.find('input');
    await input.setValue('register map');
    expect(w.find('li[aria-selected="true"]').attributes('data-command')).toBe('view.registerMap');
    await input.trigger('keydown', { key: 'Enter' });
    expect(ui.paletteOpen).toBe(false);
    await vi.waitFor(() => expect(ui.view).toBe('registerMap'));

    ui.paletteOpen = true;
    await input.setValue('7.0.ebx[17]');
    expect(w.find('li[aria-selected="true"]').text()).toMatch(/Inspect 7\.0\.EBX\[17\]/);
    await input.trigger('keydown', { key: 'Enter' });
    expect(useGridStore().selected?.address).toBe('7.0.EBX[17]');
    expect(ui.view).toBe('grid');
    w.unmount();
  });
});

describe('context bar', () => {
  it('shows what is in effect and commits edits to the context', async () => {
    const w = mount(ContextBar, { global: { plugins: [env.pinia] } });
    expect(w.find('[data-context="module"] option').text()).toBe('1.5.06');
    expect(w.find('[data-src="module"]').text()).toBe('dmesg');
    expect(w.find('[data-context="attributes"]').attributes('placeholder')).toBe('0x10000000');
    await w.find('[data-context="cpu"]').setValue('host,-avx512f');
    await w.find('[data-context="xfam"]').setValue('nothex');
    const c = useContextStore();
    expect(c.cpu).toBe('host,-avx512f');
    expect(w.find('label.cpu .src').text()).toBe('set');
    expect(w.find('[data-context="xfam"]').classes()).toContain('invalid');
    await w.find('[data-action="assumptions"]').trigger('click');
    expect(w.find('.assumptions').text()).toMatch(/upstream 6\.16/);
  });
});
