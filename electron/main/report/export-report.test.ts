import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { exportReport, safeFileName, withExtension, type ExportDeps } from './export-report';

function deps(answer: string | null): ExportDeps & { written: [string, string | Uint8Array][] } {
  const written: [string, string | Uint8Array][] = [];
  return {
    written,
    showSaveDialog: vi.fn(async () => (answer ? { canceled: false, filePath: answer } : { canceled: true })),
    printPdf: vi.fn(async () => new Uint8Array([37, 80, 68, 70])),
    writeAtomic: async (p, d) => void written.push([p, d]),
    defaultFolder: () => '/home/eng/Documents',
    rememberFolder: vi.fn(),
  };
}

describe('export report', () => {
  it('suggests a bare, safe file name with the right extension', () => {
    expect(safeFileName('../../.ssh/authorized_keys', 'md')).toBe('authorized_keys.md');
    expect(safeFileName('C:\\Users\\x\\report', 'pdf')).toBe('report.pdf');
    expect(safeFileName('a<b>c:d|e?f*"g\u0007.json', 'json')).toBe('a_b_c_d_e_f__g_.json');
    expect(safeFileName('...', 'html')).toBe('tdx-cpuid-report.html');
    expect(safeFileName('host.HTM', 'html')).toBe('host.HTM');
  });

  it('adds the extension only when the chosen name lacks it', () => {
    expect(withExtension('/r/report', 'pdf')).toBe('/r/report.pdf');
    expect(withExtension('/r/report.PDF', 'pdf')).toBe('/r/report.PDF');
    expect(withExtension('/r/report.pdf', 'md')).toBe('/r/report.pdf.md');
  });

  it('a cancelled dialog writes and prints nothing', async () => {
    const d = deps(null);
    expect(await exportReport({ format: 'pdf', suggestedName: 'r.pdf', content: '<p>' }, d)).toBeNull();
    expect(d.printPdf).not.toHaveBeenCalled();
    expect(d.written).toEqual([]);
  });

  it('PDF: prints the HTML and writes the PDF bytes; text formats are written as given', async () => {
    const d = deps('/cases/bug-1/report');
    expect(await exportReport({ format: 'pdf', suggestedName: 'r.pdf', content: '<p>x</p>' }, d)).toEqual({ path: '/cases/bug-1/report.pdf' });
    expect(d.printPdf).toHaveBeenCalledWith('<p>x</p>');
    expect(d.written[0]).toEqual(['/cases/bug-1/report.pdf', new Uint8Array([37, 80, 68, 70])]);
    expect(d.rememberFolder).toHaveBeenCalledWith(join('/cases/bug-1/report.pdf', '..'));
    const t = deps('/cases/bug-1/r.json');
    await exportReport({ format: 'json', suggestedName: 'r.json', content: '{"a":1}\n' }, t);
    expect(t.written).toEqual([['/cases/bug-1/r.json', '{"a":1}\n']]);
    expect(t.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: join('/home/eng/Documents', 'r.json'), filters: [{ name: 'JSON', extensions: ['json'] }] }));
  });
});
