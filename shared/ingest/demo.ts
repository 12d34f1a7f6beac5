// The built-in demo bug report (resources/demo/README.md): a real Sapphire Rapids host dump
// with a kernel log, a QEMU command line and a QEMU log written in the real formats. The same
// files for the CLI, the Electron main process and the browser build.

import type { OpenResult } from '../api/bridge';
import type { SourceFile } from '../model/source';
import { DEMO_REPORT_FILES } from './demo-files';

export const DEMO_ORIGIN = 'demo';

/** The demo files as SourceFiles (paths `demo/...`). */
export function demoReportFiles(): readonly SourceFile[] {
  return DEMO_REPORT_FILES;
}

/** The demo as the bridge's `loadDemo()` returns it. */
export function demoOpenResult(): OpenResult {
  return { files: DEMO_REPORT_FILES.map((f) => ({ ...f, origin: DEMO_ORIGIN })), problems: [] };
}
