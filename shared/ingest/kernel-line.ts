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

/**
 * Whether a pattern anchored at the start could match `s`, from its first character alone:
 * detectors run this on every line of every file (a CPUID dump has 20 000), and most lines
 * start with a character none of the prefixes can start with.
 */
const startsLower = (s: string): boolean => s.charCodeAt(0) >= 97 && s.charCodeAt(0) <= 122;
const startsUpper = (s: string): boolean => s.charCodeAt(0) >= 65 && s.charCodeAt(0) <= 90;
const startsDigit = (s: string): boolean => s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;
const startsBracket = (s: string): boolean => s.charCodeAt(0) === 91;
/** A superset of the characters `\s` matches (the pattern itself decides). */
const startsBlank = (s: string): boolean => {
  const c = s.charCodeAt(0);
  return c <= 32 || c === 0xa0 || c >= 0x1680;
};

export function stripKernelPrefix(line: string): KernelLine {
  let s = line;
  if (s.charCodeAt(0) === 62 || startsBlank(s)) s = s.replace(/^\s*(?:>\s?)+/, '').replace(/^\s+/, '');
  let prefixed = false;
  for (let i = 0; i < 4; i++) {
    const before = s;
    // The same replacements in the same order as ever; each runs only where its first
    // character can match (elsewhere it would leave the text as it is).
    if (s.charCodeAt(0) === 60) s = s.replace(PRIORITY, '');
    if (startsLower(s)) s = s.replace(DMESG_X, '');
    if (startsUpper(s) && s.charCodeAt(3) === 32) s = s.replace(JOURNAL_SHORT, ''); // `Mar 03 ...`
    if (startsDigit(s) && s.charCodeAt(4) === 45) s = s.replace(JOURNAL_ISO, ''); // `2026-03-03...`
    if (startsBracket(s)) s = s.replace(DMESG_T, '');
    if (startsBlank(s)) s = s.replace(/^\s+/, '');
    if (startsBracket(s)) s = s.replace(TIMESTAMP, '');
    if (startsBracket(s)) s = s.replace(CALLER, '');
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
