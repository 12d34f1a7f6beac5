// Entry point of the renderer: find the platform bridge, create the stores, start the
// analysis worker, mount the interface, then open the last session (or the demo).

import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles/theme.css';
import { workerAnalysisService } from './analysis/service';
import { resolveBridge } from './platform/bridge';
import { startWorkbench } from './session';

performance.mark('app:start');

async function boot(): Promise<void> {
  // The worker first: it loads the engine and the knowledge tables while the window starts.
  const service = workerAnalysisService(
    () => new Worker(new URL('./worker/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' }),
  );
  const bridge = await resolveBridge();
  const pinia = createPinia();
  createApp(App).use(pinia).mount('#app');
  await startWorkbench({ bridge, service, pinia });
  performance.mark('app:ready');
}

void boot();
