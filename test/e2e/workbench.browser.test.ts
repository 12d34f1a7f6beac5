// The end-to-end suite in Chromium: the built renderer over http with the browser bridge.
import { describe } from 'vitest';
import { chromiumAvailable } from './support/chromium';
import { browserHarness } from './support/harness';
import { defineWorkbenchSuite } from './support/suite';

describe.skipIf(!chromiumAvailable())('workbench in Chromium (browser bridge)', () => {
  defineWorkbenchSuite(browserHarness);
});
