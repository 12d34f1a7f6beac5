// Input paths on a command line. The same code reads our own start-up argv and the argv a
// second instance forwards (app 'second-instance'). Shapes seen:
//   packaged:  [exe, ...args]                     e.g. /opt/TDX CPUID Workbench/tdx-cpuid-workbench dump.txt
//   dev:       [electron, <app path>, ...args]    e.g. electron . dump.txt  (process.defaultApp is true)
// Chromium and the OS add switches (--original-process-start-time=..., --allow-file-access-from-files,
// macOS -psn_0_12345); every argument starting with '-' is a switch, except after '--'.

import { isAbsolute, resolve } from 'node:path';

export interface ArgvShape {
  /** True when run as `electron <app path> ...` (process.defaultApp), false when packaged. */
  readonly defaultApp: boolean;
  /** Folder relative paths are resolved against (the caller's working directory). */
  readonly cwd: string;
}

export function inputPathsFromArgv(argv: readonly string[], shape: ArgvShape): string[] {
  const args = argv.slice(1); // the executable
  let i = 0;
  if (shape.defaultApp) {
    // `electron [switches] <app path> ...`: the first non-switch argument is the app.
    while (i < args.length && args[i].startsWith('-')) i++;
    i++;
  }
  const paths: string[] = [];
  let switchesEnded = false;
  for (; i < args.length; i++) {
    const a = args[i];
    if (!switchesEnded && a === '--') {
      switchesEnded = true;
      continue;
    }
    if (!switchesEnded && a.startsWith('-')) continue;
    if (a.length === 0 || a.includes('\0')) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) continue; // URLs (protocol handlers) are not files
    paths.push(isAbsolute(a) ? resolve(a) : resolve(shape.cwd, a));
  }
  return [...new Set(paths)];
}
