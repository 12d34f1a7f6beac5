// The built-in demo bug report (resources/demo/README.md): a real Sapphire Rapids host dump
// with a kernel log, a QEMU command line and a QEMU log written in the real formats. The same
// files for the CLI, the Electron main process and the browser build.

import type { SourceFile } from '../model/source';
import { DEMO_REPORT_FILES } from './demo-files';

export const DEMO_ORIGIN = 'demo';

/** The demo files as SourceFiles (paths `demo/...`). */
export function demoReportFiles(): readonly SourceFile[] {
  return DEMO_REPORT_FILES;
}
