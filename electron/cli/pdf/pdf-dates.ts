// Chromium stamps the PDF's Info dictionary with the time of printing, so two prints of the
// same report differ. This sets /CreationDate and /ModDate to the report's own date. The
// replacement has exactly the original length, so the cross-reference offsets stay valid;
// a date written in an unexpected shape is left alone.

const DATE_ENTRY = /\/(CreationDate|ModDate)\s*\((D:[^)]*)\)/g;

/** `2026-01-01` -> `D:20260101000000+00'00'` (PDF 1.7, 7.9.4). */
export function pdfDate(reportDate: string): string {
  return `D:${reportDate.replace(/-/g, '')}000000+00'00'`;
}

export function setPdfDates(pdf: Uint8Array, reportDate: string): Uint8Array {
  const stamp = pdfDate(reportDate);
  // latin1 maps bytes 1:1 to UTF-16 code units and back.
  const text = Buffer.from(pdf).toString('latin1');
  // The Info dictionary sits near the start in Chromium's output; look only at uncompressed text.
  const out = text.replace(DATE_ENTRY, (whole: string, _key: string, value: string) =>
    value.length === stamp.length ? whole.replace(value, stamp) : whole,
  );
  return out === text ? pdf : new Uint8Array(Buffer.from(out, 'latin1'));
}
