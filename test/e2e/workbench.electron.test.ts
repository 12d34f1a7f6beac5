// The same suite against the real Electron app, when an Electron binary is installed.
// Here (CI, this machine) the binary cannot be downloaded: the variant is skipped and
// says why.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { REPO_ROOT } from './support/build-renderer';
import { electronBinary, electronHarness } from './support/harness';
import { defineWorkbenchSuite } from './support/suite';

const binary = electronBinary(REPO_ROOT);
const built = existsSync(join(REPO_ROOT, 'out/main/index.js'));

if (binary && built) {
  describe('workbench in Electron', () => {
    defineWorkbenchSuite(() => electronHarness(REPO_ROOT, binary));
  });
} else {
  describe('workbench in Electron', () => {
    const reason = !binary
      ? 'no Electron binary (node_modules/electron/dist is not installed: ELECTRON_SKIP_BINARY_DOWNLOAD)'
      : 'the app is not built (run `npm run build` for out/main/index.js)';
    it.skip(`skipped: ${reason}`, () => undefined);
  });
}
