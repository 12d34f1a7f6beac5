import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputPathsFromArgv } from './argv';

const cwd = resolve('/home/eng/bug-4711');

describe('inputPathsFromArgv', () => {
  it('packaged: everything after the executable that is not a switch', () => {
    expect(inputPathsFromArgv(['/opt/TDX CPUID Workbench/tdx-cpuid-workbench', 'host.txt', '/tmp/qemu.log'], { defaultApp: false, cwd })).toEqual([
      resolve(cwd, 'host.txt'),
      resolve('/tmp/qemu.log'),
    ]);
  });

  it('dev (`electron . files`): skips the app path, also after leading switches', () => {
    expect(inputPathsFromArgv(['/x/electron', '.', 'a.txt'], { defaultApp: true, cwd })).toEqual([resolve(cwd, 'a.txt')]);
    expect(inputPathsFromArgv(['/x/electron', '--inspect=9229', '/work/app', 'a.txt'], { defaultApp: true, cwd })).toEqual([resolve(cwd, 'a.txt')]);
    expect(inputPathsFromArgv(['/x/electron', '.'], { defaultApp: true, cwd })).toEqual([]);
  });

  it('ignores switches Chromium and the OS add, keeps files after "--"', () => {
    const argv = ['/app/wb', '--allow-file-access-from-files', '--original-process-start-time=13370000', '-psn_0_12345', 'dump.txt', '--', '--odd-name.txt'];
    expect(inputPathsFromArgv(argv, { defaultApp: false, cwd })).toEqual([resolve(cwd, 'dump.txt'), resolve(cwd, '--odd-name.txt')]);
  });

  it('second instance: relative paths resolve against ITS working directory; duplicates collapse', () => {
    const other = resolve('/srv/captures');
    expect(inputPathsFromArgv(['/app/wb', 'a.tgz', './a.tgz', 'sub/../a.tgz'], { defaultApp: false, cwd: other })).toEqual([resolve(other, 'a.tgz')]);
  });

  it('drops URLs, empty strings and NUL bytes', () => {
    expect(inputPathsFromArgv(['/app/wb', 'tdx-cpuid://open?x', 'https://example.com/a', '', 'a\0b'], { defaultApp: false, cwd })).toEqual([]);
  });
});
