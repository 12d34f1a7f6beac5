// Builds archives in memory for the bundle tests: tar members with any header (including
// names and sizes no honest tool writes), gzip/zip wrappers.

import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface TarMember {
  readonly path: string;
  readonly data?: string | Uint8Array;
  /** '0' file, '2' symlink, '1' hard link, '5' folder, 'S' GNU sparse. */
  readonly type?: string;
  readonly linkpath?: string;
  /** Declared size, when it should differ from the data (a sparse giant). */
  readonly size?: number;
}

const TYPES: Record<string, string> = { '0': 'File', '1': 'Link', '2': 'SymbolicLink', '5': 'Directory', S: 'File' };

export function tarBytes(members: readonly TarMember[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.data === undefined ? Buffer.alloc(0) : Buffer.from(m.data);
    const block = Buffer.alloc(512);
    const h = new Header({
      path: m.path,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: m.size ?? data.length,
      mtime: new Date(0),
      type: TYPES[m.type ?? '0'] as never,
      linkpath: m.linkpath ?? '',
      uname: '',
      gname: '',
    });
    h.encode(block, 0);
    // Header.encode refuses nothing, but keep the raw name bytes exactly as given.
    Buffer.from(m.path.padEnd(100, '\0').slice(0, 100), 'latin1').copy(block, 0);
    // node-tar will not encode a GNU sparse header: write its type byte by hand.
    if (m.type === 'S') block[156] = 'S'.charCodeAt(0);
    let sum = 0;
    block.fill(32, 148, 156);
    for (const b of block) sum += b;
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    parts.push(block);
    if (data.length) {
      parts.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function tgzBytes(members: readonly TarMember[]): Buffer {
  return gzipSync(tarBytes(members), { level: 1 });
}

/** `n` one-byte members named pu0..pu(n-1), built from one header template (fast). */
export function floodTar(n: number): Buffer {
  const template = tarBytes([{ path: 'pu0', data: 'x' }], false);
  const out = Buffer.alloc(n * 1024 + 1024);
  for (let i = 0; i < n; i++) {
    const at = i * 1024;
    template.copy(out, at);
    out.fill(0, at, at + 100);
    out.write(`pu${i}`, at, 'latin1');
    out.fill(32, at + 148, at + 156);
    let sum = 0;
    for (let j = 0; j < 512; j++) sum += out[at + j]!;
    out.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
  }
  return out;
}
