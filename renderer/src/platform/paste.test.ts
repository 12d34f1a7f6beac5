import { describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES, sha256Hex } from './read-file';
import { openPasted, pastedName, pasteTargetsField } from './paste';

describe('pasting into the window', () => {
  it('leaves a paste into a text field to the field; anywhere else it is for the workbench', () => {
    document.body.innerHTML = `
      <input id="search"><textarea id="notes"></textarea><select id="module"><option>1.5.06</option></select>
      <div contenteditable="true"><span id="inside">x</span></div>
      <div class="grid" tabindex="0"><span id="cell">1</span></div><button id="tab">Grid</button>`;
    for (const id of ['search', 'notes', 'module', 'inside']) expect(pasteTargetsField(document.getElementById(id)), id).toBe(true);
    for (const id of ['cell', 'tab']) expect(pasteTargetsField(document.getElementById(id)), id).toBe(false);
    expect(pasteTargetsField(document.body)).toBe(false);
    expect(pasteTargetsField(null)).toBe(false);
  });

  it('names pastes pasted-1.txt, pasted-2.txt, ... reusing a freed number', () => {
    expect(pastedName([])).toBe('pasted-1.txt');
    expect(pastedName(['demo/dmesg.txt', 'pasted-1.txt', 'pasted-2.txt'])).toBe('pasted-3.txt');
    expect(pastedName(['pasted-2.txt'])).toBe('pasted-1.txt');
  });

  it('turns the text into an input with the SHA-256 of its UTF-8 bytes', async () => {
    const text = 'CPU 0:\n   0x00000000 0x00: eax=0x00000020 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n';
    const r = await openPasted(text, [{ path: 'pasted-1.txt', sha256: 'a'.repeat(64) }]);
    expect(r.problems).toEqual([]);
    expect(r.files).toHaveLength(1);
    const f = r.files[0]!;
    expect(f.path).toBe('pasted-2.txt');
    expect(f.origin).toBe('clipboard');
    expect(f.text).toBe(text);
    expect(f.size).toBe(text.length);
    expect(f.sha256).toBe(await sha256Hex(new TextEncoder().encode(text)));
  });

  it('gives the same text pasted again the name it already has (so it counts as loaded)', async () => {
    const text = 'qemu-system-x86_64 -cpu host,-pks -object tdx-guest,id=tdx0\n';
    const first = (await openPasted(text, [])).files[0]!;
    const loaded = [{ path: 'host.txt', sha256: first.sha256 }, { path: 'pasted-4.txt', sha256: first.sha256 }];
    expect((await openPasted(text, loaded)).files[0]!.path).toBe('pasted-4.txt');
    // A file with the same bytes but opened from disk is not a paste: the paste gets its own name.
    expect((await openPasted(text, [loaded[0]!])).files[0]!.path).toBe('pasted-1.txt');
  });

  it('refuses text over the input limit with the sizes named, and adds nothing', async () => {
    const r = await openPasted('x'.repeat(MAX_INPUT_BYTES + 1), []);
    expect(r.files).toEqual([]);
    expect(r.problems).toEqual([{ path: 'pasted-1.txt', message: `${MAX_INPUT_BYTES + 1} bytes is larger than the ${MAX_INPUT_BYTES}-byte input limit` }]);
  });
});
