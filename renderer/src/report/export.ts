// Report export: the same report model and renderers as the CLI (shared/report), loaded
// on demand; the bridge writes the file (the desktop prints PDF from the HTML).

import type { ReportFormat } from '../../../shared/api/bridge';
import { bridge } from '../platform/bridge';
import { useAnalysisStore } from '../stores/analysis';
import { useUiStore } from '../stores/ui';

const EXTENSION: Readonly<Record<ReportFormat, string>> = { pdf: 'pdf', html: 'html', md: 'md', json: 'json' };

export async function buildReportContent(format: ReportFormat): Promise<string | null> {
  const analysis = useAnalysisStore();
  const rec = analysis.reconciliation;
  if (!rec) return null;
  const report = await import('../../../shared/report');
  const inputDetails: Record<string, string> = {};
  for (const r of analysis.result?.inputs ?? []) {
    if (r.cpu) inputDetails[r.path] = [r.cpu.brand, `${r.cpu.cpuCount} CPUs`].filter(Boolean).join(', ');
  }
  const model = report.reconcileReport(rec, { inputDetails });
  if (format === 'md') return report.renderMarkdown(model);
  if (format === 'json') return report.renderJson(model);
  return report.renderHtml(model);
}

export async function exportReport(format: ReportFormat): Promise<void> {
  const ui = useUiStore();
  try {
    const content = await buildReportContent(format);
    if (content === null) {
      ui.toast('info', 'Nothing to report yet: open a host CPUID dump first');
      return;
    }
    const date = new Date().toISOString().slice(0, 10);
    const written = await bridge().exportReport({ format, suggestedName: `tdx-cpuid-report-${date}.${EXTENSION[format]}`, content });
    if (written) ui.toast('info', `Report written: ${written.path}`);
  } catch (e) {
    ui.toast('error', 'Could not export the report', [e instanceof Error ? e.message : String(e)]);
  }
}
