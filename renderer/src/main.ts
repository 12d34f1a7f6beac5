// Entry point of the renderer. It starts the analysis worker before anything else, then
// loads the application (./boot) as a separate chunk. Chromium starts a worker's thread
// from a task on this thread: a large entry script (Vue, the components, the stores) would
// keep this thread busy parsing, evaluating and mounting for half a second first, and the
// worker (loading the engine and the knowledge tables) could only begin after. Kept this
// small, the worker loads while the application chunk downloads and mounts.

import { workerAnalysisService } from './analysis/service';

performance.mark('app:start');

const service = workerAnalysisService(
  () => new Worker(new URL('./worker/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' }),
);

void import('./boot').then(({ boot }) => boot(service));
