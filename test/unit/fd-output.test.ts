// FdOutput (the decode command's output): pieces arrive in order and intact through a
// file, through a full non-blocking pipe (EAGAIN: the rest goes through the stream), and a
// closed pipe ends the output with OutputClosed instead of an error.

import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FdOutput, OutputClosed } from '../../electron/cli/output/fd-output';

/** Text and byte pieces of every size class: small, past the buffer, and non-ASCII. */
function pieces(): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = [];
  for (let i = 0; i < 400; i++) {
    out.push(`{"cpu":${i},"name":"caf\u00e9 \u2713"}`);
    out.push(Buffer.from(`[${'x'.repeat(i * 37)}]`));
    if (i % 100 === 0) out.push('y'.repeat(1_500_000));
  }
  return out;
}
const expected = Buffer.concat(pieces().map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('FdOutput', () => {
  it('writes every piece in order to a file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fd-output-')), 'out');
    const fd = openSync(path, 'w');
    const out = new FdOutput(fd, new PassThrough());
    for (const p of pieces()) out.push(p);
    out.flush();
    closeSync(fd);
    expect(readFileSync(path).equals(expected)).toBe(true);
  });

  it('falls back to the stream when a non-blocking pipe is full, keeping the order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-output-'));
    const child = spawn('sh', ['-c', `sleep 0.2; cat > '${join(dir, 'out')}'`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    let viaStream = 0;
    const write = child.stdin.write.bind(child.stdin);
    child.stdin.write = ((chunk: Uint8Array) => {
      viaStream++;
      return write(chunk);
    }) as typeof child.stdin.write;
    const out = new FdOutput(fd, child.stdin);
    for (const p of pieces()) out.push(p);
    out.flush();
    expect(viaStream).toBeGreaterThan(0); // the pipe (64 KiB) filled up before the reader started
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    expect(readFileSync(join(dir, 'out')).equals(expected)).toBe(true);
  });

  it('ends with OutputClosed when the reader has gone', async () => {
    // The reader closes its end at once and stays alive a moment: writes then meet EPIPE.
    const child = spawn('sh', ['-c', 'exec 0<&-; sleep 1'], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.on('error', () => undefined);
    const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const out = new FdOutput(fd, child.stdin);
    expect(() => {
      for (const p of pieces()) out.push(p);
      out.flush();
    }).toThrow(OutputClosed);
    child.kill();
  });
});
