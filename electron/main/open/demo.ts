// The built-in demo bug report (resources/demo/: a real Sapphire Rapids host dump with a
// module version, QEMU command line and warnings). The files come from shared/ingest, the
// same ones the browser build and the CLI tests use, so every platform opens the same demo.

import type { OpenResult } from '../../../shared/api/bridge';
import { demoOpenResult } from '../../../shared/ingest/demo';

export async function loadDemo(): Promise<OpenResult> {
  return demoOpenResult();
}
