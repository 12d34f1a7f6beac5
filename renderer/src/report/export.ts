// Report export: the worker renders the same report as the CLI (shared/report) from the
// current inputs and context; the bridge writes the file (the desktop prints PDF from the
// HTML).

import type { ReportFormat } from '../../../shared/api/bridge';
import { bridge } from '../platform/bridge';
import { useAnalysisStore } from '../stores/analysis';
import { useContextStore } from '../stores/context';
import { useInputsStore } from '../stores/inputs';
import { useUiStore } from '../stores/ui';

const EXTENSION: Readonly<Record<ReportFormat, string>> = { pdf: 'pdf', html: 'html', md: 'md', json: 'json' };

export async function buildReportContent(format: ReportFormat): Promise<string> {
  const analysis = useAnalysisStore();
  return analysis.run('report', {
    inputs: useInputsStore().forAnalysis,
    context: useContextStore().options,
    format: format === 'pdf' ? 'html' : format,
  }).promise;
}

export async function exportReport(format: ReportFormat): Promise<void> {
  const ui = useUiStore();
  if (!useAnalysisStore().reconciliation) {
    ui.toast('info', 'Nothing to report yet: open a host CPUID dump first');
    return;
  }
  try {
    const content = await buildReportContent(format);
    const date = new Date().toISOString().slice(0, 10);
    const written = await bridge().exportReport({ format, suggestedName: `tdx-cpuid-report-${date}.${EXTENSION[format]}`, content });
    if (written) ui.toast('info', `Report written: ${written.path}`);
  } catch (e) {
    ui.toast('error', 'Could not export the report', [e instanceof Error ? e.message : String(e)]);
  }
}
