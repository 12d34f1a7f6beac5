// The report of the current analysis, rendered by shared/report (the same model and
// renderers as the CLI).

import type { Progress, ReportRequest } from './types';
import type { Ingested } from './session-inputs';
import { reconcile } from './engine';
import { reconcileReport, renderHtml, renderJson, renderMarkdown } from '../../../shared/report';

export function report(ing: Ingested, req: ReportRequest, progress: (p: Progress) => void): string {
  if (ing.result.engineInputs.hosts.length === 0) throw new Error('nothing to report yet: open a host CPUID dump first');
  progress({ done: 1, total: 3, label: 'Reconciling' });
  const rec = reconcile(ing.result.engineInputs, req.context);
  progress({ done: 2, total: 3, label: 'Writing the report' });
  const inputDetails: Record<string, string> = {};
  for (const r of ing.reports) {
    if (r.cpu) inputDetails[r.path] = [r.cpu.brand, `${r.cpu.cpuCount} CPU${r.cpu.cpuCount === 1 ? '' : 's'}`].filter(Boolean).join(', ');
  }
  const model = reconcileReport(rec, { inputDetails });
  if (req.format === 'md') return renderMarkdown(model);
  if (req.format === 'json') return renderJson(model);
  return renderHtml(model);
}

