// Strips the prefixes a kernel log line carries before the message, in all the ways logs
// reach a bug report: `dmesg` (`[    1.234567] `, with `[T123]`/`[C4]` caller ids when
// CONFIG_PRINTK_CALLER=y), `dmesg -T` (`[Mon Mar  3 12:00:00 2026] `), `dmesg -x`
// (`kern  :info  : `), syslog priorities (`<6>`), and journalctl
// (`Mar 03 12:00:00 host kernel: `, `2026-03-03T12:00:00+0000 host kernel: `).

const PRIORITY = /^<\d{1,3}>/;
const DMESG_X = /^[a-z]{2,8}\s*:[a-z]{3,7}\s*: /;
const JOURNAL_SHORT = /^[A-Z][a-z]{2} [ 0-3]?\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ kernel: /;
const JOURNAL_ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? \S+ kernel: /;
const DMESG_T = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-3]?\d \d\d:\d\d:\d\d \d{4}\] ?/;
const TIMESTAMP = /^\[\s*\d+\.\d+\] ?/;
const CALLER = /^\[\s*[TC]\d+\] ?/;

export interface KernelLine {
  /** The message without prefixes ("virt/tdx: module initialized"). */
  readonly message: string;
  /** True when a kernel-log prefix was found (timestamp, journal, priority...). */
  readonly prefixed: boolean;
}

export function stripKernelPrefix(line: string): KernelLine {
  let s = line.replace(/^\s*(?:>\s?)+/, '').replace(/^\s+/, '');
  let prefixed = false;
  for (let i = 0; i < 4; i++) {
    const before = s;
    s = s.replace(PRIORITY, '').replace(DMESG_X, '').replace(JOURNAL_SHORT, '').replace(JOURNAL_ISO, '').replace(DMESG_T, '');
    s = s.replace(/^\s+/, '').replace(TIMESTAMP, '').replace(CALLER, '');
    if (s === before) break;
    // Only a real prefix counts: leading blanks (indented JSON, pasted code) do not.
    prefixed = true;
  }
  return { message: s.trimEnd(), prefixed };
}

/** True when the line looks like it came from a kernel log (a prefix of any kind above). */
export function looksLikeKernelLine(line: string): boolean {
  return stripKernelPrefix(line).prefixed;
}
