// The application proper, loaded by main.ts once the analysis worker is on its way: find
// the platform bridge, create the stores, mount the interface, then open the last session
// (or the demo).

import './zod-config';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles/theme.css';
import type { AnalysisService } from './analysis/service';
import { resolveBridge } from './platform/bridge';
import { startWorkbench } from './session';

export async function boot(service: AnalysisService): Promise<void> {
  const bridge = await resolveBridge();
  const pinia = createPinia();
  createApp(App).use(pinia).mount('#app');
  await startWorkbench({ bridge, service, pinia });
  performance.mark('app:ready');
}
