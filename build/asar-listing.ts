// Reads the table of contents and single files of an asar archive (Electron's app.asar)
// without unpacking it. Format (electron/asar): a 4-byte pickle holding the header size,
// then a pickle whose string is the JSON header; file offsets are relative to the end of
// the header, sizes in bytes. Only what the packaging check needs.

import { readFileSync } from 'node:fs';

interface AsarEntry {
  files?: Record<string, AsarEntry>;
  offset?: string;
  size?: number;
  unpacked?: boolean;
  link?: string;
}

export class AsarArchive {
  private readonly bytes: Buffer;
  private readonly root: AsarEntry;
  private readonly dataStart: number;

  constructor(path: string) {
    this.bytes = readFileSync(path);
    const headerPickleSize = this.bytes.readUInt32LE(4);
    const jsonLength = this.bytes.readUInt32LE(12);
    this.root = JSON.parse(this.bytes.subarray(16, 16 + jsonLength).toString('utf8')) as AsarEntry;
    this.dataStart = 8 + headerPickleSize;
  }

  /** Every file path ("out/main/index.js", "node_modules/zod/package.json"), sorted. */
  files(): string[] {
    const out: string[] = [];
    const walk = (e: AsarEntry, prefix: string): void => {
      for (const [name, child] of Object.entries(e.files ?? {})) {
        const p = prefix ? `${prefix}/${name}` : name;
        if (child.files) walk(child, p);
        else out.push(p);
      }
    };
    walk(this.root, '');
    return out.sort();
  }

  read(path: string): Buffer {
    let e: AsarEntry | undefined = this.root;
    for (const part of path.split('/')) e = e?.files?.[part];
    if (!e || e.files || e.offset === undefined || e.size === undefined || e.unpacked) throw new Error(`${path}: not a packed file in the archive`);
    const start = this.dataStart + Number(e.offset);
    return this.bytes.subarray(start, start + e.size);
  }
}
