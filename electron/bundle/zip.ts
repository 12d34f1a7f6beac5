// A zip file read in memory with yauzl (fromBuffer, lazy entries, sizes validated). Names
// are decoded without yauzl's own checks so that the refusal message is ours; the central
// directory's sizes are judged before any data is inflated (count, per-file size, total,
// ratio), and symbolic links (Unix mode in the external attributes) must stay inside.

import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { BundleError, mib, type BundleLimits } from './limits';
import { checkMemberPath, linkTargetInside } from './member-path';
import type { MemberList } from './tar';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((res, rej) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return rej(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', rej);
      stream.on('end', () => res(Buffer.concat(chunks)));
    });
  });
}

export function readZip(name: string, bytes: Uint8Array, limits: BundleLimits): Promise<MemberList> {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(new BundleError(name, `damaged zip data (${err?.message ?? 'no zip'})`));
      const out: MemberList = { members: [], skipped: [] };
      if (zip.entryCount > limits.maxEntries) {
        zip.close();
        return reject(new BundleError(name, `${zip.entryCount} members, more than ${limits.maxEntries} (entry flood)`));
      }
      let total = 0;
      let done = false;
      const fail = (e: unknown): void => {
        if (done) return;
        done = true;
        zip.close();
        reject(e instanceof BundleError ? e : new BundleError(name, `damaged zip data (${e instanceof Error ? e.message : String(e)})`));
      };
      zip.on('error', fail);
      zip.on('end', () => {
        if (done) return;
        done = true;
        resolvePromise(out);
      });
      zip.on('entry', (entry: Entry) => {
        void (async () => {
          const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
          const check = checkMemberPath(raw);
          if (!check.ok) return fail(new BundleError(name, check.reason));
          const path = check.path;
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          if (raw.endsWith('/') || raw.endsWith('\\')) return zip.readEntry();
          if (entry.uncompressedSize > limits.maxEntryBytes) {
            return fail(new BundleError(name, `member "${path}" declares ${mib(entry.uncompressedSize)}, more than the ${mib(limits.maxEntryBytes)} per-file limit`));
          }
          if (entry.uncompressedSize > limits.ratioFloorBytes && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
            return fail(
              new BundleError(
                name,
                `compression bomb: member "${path}" expands ${mib(entry.compressedSize)} to ${mib(entry.uncompressedSize)} (ratio ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}:1, limit ${limits.maxRatio}:1)`,
              ),
            );
          }
          total += entry.uncompressedSize;
          if (total > limits.maxTotalBytes) return fail(new BundleError(name, `members add up to more than the ${mib(limits.maxTotalBytes)} limit`));
          const data = await readEntry(zip, entry);
          if (mode === S_IFLNK) {
            const target = data.toString('utf8');
            const inside = linkTargetInside(path, target);
            if (inside === null) return fail(new BundleError(name, `symbolic link "${path}" -> "${target}" points outside the bundle`));
            out.skipped.push({ path, message: `symbolic link to "${inside}" not followed (the target is read on its own)` });
          } else {
            out.members.push({ path, bytes: data });
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  });
}
