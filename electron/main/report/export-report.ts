// Export Report: a save dialog for the chosen format, then the file written atomically.
// PDF is printed from the print HTML (report/print-pdf.ts); HTML, Markdown and JSON are
// written exactly as the renderer produced them (the report model is in shared/report).

import { basename, join } from 'node:path';
import type { ExportRequest, ReportFormat } from '../../../shared/api/bridge';

export const EXPORT_FILTERS: Readonly<Record<ReportFormat, { name: string; extensions: string[] }>> = {
  pdf: { name: 'PDF document', extensions: ['pdf'] },
  html: { name: 'HTML page', extensions: ['html', 'htm'] },
  md: { name: 'Markdown', extensions: ['md'] },
  json: { name: 'JSON', extensions: ['json'] },
};

export interface ExportDeps {
  /** Electron's dialog.showSaveDialog bound to the main window. */
  showSaveDialog(options: { title: string; defaultPath: string; filters: { name: string; extensions: string[] }[] }): Promise<{ canceled: boolean; filePath?: string }>;
  printPdf(html: string): Promise<Uint8Array>;
  writeAtomic(path: string, data: string | Uint8Array): Promise<void>;
  /** Folder the dialog starts in (last export folder, else Documents). */
  defaultFolder(): string;
  rememberFolder(folder: string): void;
}

/** A file name from the renderer's suggestion: no folders, no control or reserved characters. */
export function safeFileName(suggested: string, format: ReportFormat): string {
  const ext = EXPORT_FILTERS[format].extensions[0];
  let name = basename(suggested.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  if (!name) name = 'tdx-cpuid-report';
  const lower = name.toLowerCase();
  return EXPORT_FILTERS[format].extensions.some((e) => lower.endsWith(`.${e}`)) ? name : `${name}.${ext}`;
}

/** Adds the format's extension when the user typed a name without one. */
export function withExtension(path: string, format: ReportFormat): string {
  const lower = path.toLowerCase();
  return EXPORT_FILTERS[format].extensions.some((e) => lower.endsWith(`.${e}`)) ? path : `${path}.${EXPORT_FILTERS[format].extensions[0]}`;
}

export async function exportReport(request: ExportRequest, deps: ExportDeps): Promise<{ path: string } | null> {
  const filter = EXPORT_FILTERS[request.format];
  const choice = await deps.showSaveDialog({
    title: `Export Report as ${filter.name}`,
    defaultPath: join(deps.defaultFolder(), safeFileName(request.suggestedName, request.format)),
    filters: [filter],
  });
  if (choice.canceled || !choice.filePath) return null;
  const path = withExtension(choice.filePath, request.format);
  const data = request.format === 'pdf' ? await deps.printPdf(request.content) : request.content;
  await deps.writeAtomic(path, data);
  deps.rememberFolder(join(path, '..'));
  return { path };
}
