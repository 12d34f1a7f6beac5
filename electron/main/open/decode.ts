// Bytes of an input file to text. UTF-8 when valid, UTF-16 when it carries a byte-order
// mark (Windows tools save that way), otherwise Latin-1 (some AIDA64 dumps); null for
// binary data (NUL bytes in a file without a UTF-16 BOM), which no text format contains.

import { decodeBytes } from '../../cli/read-source';

export function decodeInputBytes(bytes: Uint8Array): string | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const probe = bytes.subarray(0, 64 * 1024);
  if (probe.includes(0)) return null;
  const text = decodeBytes(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
