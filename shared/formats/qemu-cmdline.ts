// A QEMU command line as pasted into a bug report: one line, `\` continuations, a libvirt
// argv with one option per line, quoted arguments, leading environment assignments
// (`LC_ALL=C \`), `$ ` prompts. What it interprets (QEMU docs/system/i386/tdx.rst,
// target/i386/kvm/tdx.c): `-cpu MODEL,+f,-f,f=on|off,pmu=,check,enforce,tsc-frequency=`,
// `-object tdx-guest,...` (key=value or libvirt's JSON form), `-machine ...,
// confidential-guest-support=,kernel-irqchip=`, `-smp`, `-accel`. Every other option is
// kept verbatim in `otherOptions`, never an error.

import type { InputFormat } from './types';
import type { QemuCmdlineInput, QemuCpuFlag } from '../model/inputs';
import type { ParseWarning } from '../model/errors';
import { FormatError } from '../model/errors';
import { stripBom } from '../model/text';
import { lineIndex } from '../ingest/json-text';
import { parseU64 } from '../ingest/numbers';

const ID = 'qemu-cmdline';

/** Options that take no argument (qemu-options.hx); every other option takes one. */
const NO_ARG = new Set([
  'nographic', 'enable-kvm', 'no-reboot', 'no-shutdown', 'S', 's', 'daemonize', 'no-hpet', 'no-user-config', 'nodefaults',
  'snapshot', 'full-screen', 'no-acpi', 'no-fd-bootchk', 'no-quit', 'preconfig', 'only-migratable', 'version', 'help',
  'sandbox-off', 'win2k-hack', 'no-kvm', 'no-graphic', 'old-param', 'semihosting', 'enable-fips', 'xen-attach', 'disable-ept',
]);

/** `-cpu` properties that are settings, not CPUID features (target/i386/cpu.c x86_cpu_properties). */
const CPU_SETTINGS = new Set([
  'check', 'enforce', 'pmu', 'migratable', 'host-phys-bits', 'phys-bits', 'host-phys-bits-limit', 'l3-cache', 'kvm',
  'full-cpuid-auto-level', 'cpuid-0xb', 'vmware-cpuid-freq', 'fill-mtrr-mask', 'host-cache-info', 'tsc-frequency', 'tsc-freq',
  'level', 'xlevel', 'xlevel2', 'min-level', 'min-xlevel', 'model-id', 'vendor', 'family', 'model', 'stepping', 'apic-id',
  'kvm-no-smi-migration', 'kvm-pv-enforce-cpuid', 'lbr-fmt', 'ucode-rev', 'legacy-cache', 'lmce-enabled', 'guest-phys-bits',
  'force-cpuid-0x1f', 'hv-passthrough', 'hv-enforce-cpuid', 'hv-spinlocks', 'hv-vendor-id', 'hv-version-id-build',
  'hv-version-id-major', 'hv-version-id-minor', 'hv-version-id-spack', 'hv-version-id-sbranch', 'hv-version-id-snumber',
  'hv-syndbg', 'intel-pt-auto-level', 'kvmclock-stable-bit', 'pdcm-only',
]);

const ON = new Set(['on', 'true', 'yes', 'y']);
const OFF = new Set(['off', 'false', 'no', 'n']);

interface Token {
  readonly text: string;
  readonly offset: number;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** Shell-like words: quotes ('' and ""), backslash escapes, `\`+newline joins, `#` comments. */
export function shellWords(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 13 ? 3 : 2;
      continue;
    }
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 10)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    const start = i;
    const parts: string[] = [];
    let run = i; // start of the current unquoted run
    while (i < n && !isBlank(text.charCodeAt(i))) {
      const d = text.charCodeAt(i);
      if (d === 39 /* ' */) {
        parts.push(text.slice(run, i));
        const end = text.indexOf("'", i + 1);
        if (end < 0) {
          parts.push(text.slice(i + 1));
          i = n;
          run = n;
          break;
        }
        parts.push(text.slice(i + 1, end));
        i = end + 1;
        run = i;
      } else if (d === 34 /* " */) {
        parts.push(text.slice(run, i));
        let j = i + 1;
        let seg = j;
        while (j < n && text.charCodeAt(j) !== 34) {
          if (text.charCodeAt(j) === 92 && j + 1 < n && '"\\$`'.includes(text[j + 1]!)) {
            parts.push(text.slice(seg, j), text[j + 1]!);
            j += 2;
            seg = j;
          } else j++;
        }
        parts.push(text.slice(seg, Math.min(j, n)));
        i = j + 1;
        run = i;
      } else if (d === 92 /* \ */ && i + 1 < n) {
        parts.push(text.slice(run, i));
        if (text.charCodeAt(i + 1) === 10) {
          i += 2;
          run = i;
          break;
        }
        parts.push(text[i + 1]!);
        i += 2;
        run = i;
      } else i++;
    }
    if (run < i) parts.push(text.slice(run, Math.min(i, n)));
    out.push({ text: parts.join(''), offset: start });
  }
  return out;
}

/** QEMU option values: comma-separated, `,,` an escaped comma. */
export function splitQemuList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ',') {
      if (value[i + 1] === ',') {
        cur += ',';
        i++;
      } else {
        out.push(cur);
        cur = '';
      }
    } else cur += value[i];
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

function keyValues(items: readonly string[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq > 0) props[it.slice(0, eq)] = it.slice(eq + 1);
    else props[it] = 'on';
  }
  return props;
}

/** `2100000000`, `2.1G`, `2100M`: QEMU size suffixes are powers of 1000 for frequencies. */
function frequencyHz(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(s.trim());
  if (!m) return null;
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

function flattenJson(v: unknown, prefix: string, out: Record<string, string>): void {
  if (v === null || typeof v !== 'object') {
    out[prefix] = String(v);
    return;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) flattenJson(x, prefix ? `${prefix}.${k}` : k, out);
}

function parseCpu(value: string, warnings: ParseWarning[], line: number): NonNullable<QemuCmdlineInput['cpu']> {
  const items = splitQemuList(value);
  const model = items[0] && !items[0].includes('=') && !/^[+-]/.test(items[0]) ? items.shift()! : 'host';
  const flags: QemuCpuFlag[] = [];
  const props: Record<string, string> = {};
  let pmu: boolean | undefined;
  let check = false;
  let enforce = false;
  let tscKhz: number | undefined;
  for (const it of items) {
    if (it.startsWith('+') || it.startsWith('-')) {
      flags.push({ name: it.slice(1), on: it[0] === '+' });
      continue;
    }
    const eq = it.indexOf('=');
    const key = eq > 0 ? it.slice(0, eq) : it;
    const val = eq > 0 ? it.slice(eq + 1) : 'on';
    const low = val.toLowerCase();
    if (key === 'check') check = !OFF.has(low);
    else if (key === 'enforce') enforce = !OFF.has(low);
    else if (key === 'pmu') pmu = ON.has(low);
    else if (key === 'tsc-frequency' || key === 'tsc-freq') {
      const hz = frequencyHz(val);
      if (hz === null) warnings.push({ line, message: `-cpu ${key}=${val}: not a frequency` });
      else tscKhz = Math.round(hz / 1000);
      props[key] = val;
    } else if (CPU_SETTINGS.has(key) || key.startsWith('hv-') || key.startsWith('x-') || (!ON.has(low) && !OFF.has(low))) {
      props[key] = val;
    } else {
      flags.push({ name: key, on: ON.has(low) });
    }
  }
  return { model, flags, props, ...(pmu === undefined ? {} : { pmu }), check, enforce, ...(tscKhz === undefined ? {} : { tscKhz }) };
}

/**
 * libvirt's argv dumps and `cat /proc/PID/cmdline | tr '\\0' '\\n'` give one argument per
 * line with no shell quoting: quotes there are literal (JSON `-object` arguments).
 */
function argvPerLine(t: string): Token[] | null {
  const lines = t.split(/\r?\n/);
  const words: Token[] = [];
  let offset = 0;
  let options = 0;
  for (const l of lines) {
    const w = l.trim();
    if (w !== '') {
      if (/\\$/.test(w)) return null;
      if (w.startsWith('-')) {
        if (/\s/.test(w)) return null;
        options++;
      }
      words.push({ text: w, offset: offset + l.indexOf(w) });
    }
    offset += l.length + 1;
  }
  return options >= 2 && words.length >= 3 ? words : null;
}

/** Parses command-line text (the whole text is one command). */
export function parseQemuCommandLine(text: string, name: string, format = ID): QemuCmdlineInput {
  const t = stripBom(text).replace(/^\s*\$ /gm, '');
  const words = argvPerLine(t) ?? shellWords(t);
  const lineAt = lineIndex(t);
  const warnings: ParseWarning[] = [];
  let binary: string | undefined;
  let i = 0;
  // Leading environment assignments and the binary.
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.text)) i++;
  if (i < words.length && !words[i]!.text.startsWith('-')) {
    binary = words[i]!.text;
    i++;
  }
  const out: {
    cpu?: QemuCmdlineInput['cpu'];
    tdxGuest?: QemuCmdlineInput['tdxGuest'];
    machine?: QemuCmdlineInput['machine'];
    smp?: QemuCmdlineInput['smp'];
    accel?: string;
  } = {};
  const otherOptions: string[] = [];
  let options = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    const line = lineAt(w.offset);
    if (!w.text.startsWith('-') || w.text === '-') {
      otherOptions.push(w.text);
      continue;
    }
    options++;
    const opt = w.text.replace(/^--?/, '');
    if (NO_ARG.has(opt)) {
      if (opt === 'enable-kvm') out.accel = 'kvm';
      otherOptions.push(w.text);
      continue;
    }
    const arg = words[i + 1];
    if (!arg) {
      warnings.push({ line, message: `${w.text} has no argument` });
      otherOptions.push(w.text);
      break;
    }
    i++;
    const value = arg.text;
    switch (opt) {
      case 'cpu':
        if (out.cpu) warnings.push({ line, message: 'a second -cpu option replaces the first (QEMU uses the last)' });
        out.cpu = parseCpu(value, warnings, line);
        break;
      case 'object': {
        let props: Record<string, string>;
        if (value.trimStart().startsWith('{')) {
          try {
            props = {};
            flattenJson(JSON.parse(value) as unknown, '', props);
            if (props['qom-type']) props[props['qom-type']] = 'on';
          } catch {
            warnings.push({ line, message: '-object JSON argument is not valid JSON; kept as text' });
            otherOptions.push(`${w.text} ${value}`);
            break;
          }
        } else props = keyValues(splitQemuList(value));
        const type = props['qom-type'] ?? splitQemuList(value)[0];
        if (type !== 'tdx-guest') {
          otherOptions.push(`${w.text} ${value}`);
          break;
        }
        delete props['tdx-guest'];
        delete props['qom-type'];
        const attributes = props['attributes'] !== undefined ? parseU64(props['attributes']) : null;
        if (props['attributes'] !== undefined && attributes === null) warnings.push({ line, message: `tdx-guest attributes=${props['attributes']} is not a number` });
        const sept = props['sept-ve-disable'];
        out.tdxGuest = {
          ...(props['id'] === undefined ? {} : { id: props['id'] }),
          ...(attributes === null ? {} : { attributes }),
          ...(sept === undefined ? {} : { septVeDisable: ON.has(sept.toLowerCase()) }),
          props,
        };
        break;
      }
      case 'machine':
      case 'M': {
        const items = splitQemuList(value);
        const props = keyValues(items.filter((s) => s.includes('=')));
        const type = props['type'] ?? items.find((s) => !s.includes('='));
        if (props['accel']) out.accel = props['accel'].split(':')[0]!;
        out.machine = {
          ...(type === undefined ? {} : { type }),
          ...(props['confidential-guest-support'] === undefined ? {} : { confidentialGuestSupport: props['confidential-guest-support'] }),
          props,
        };
        break;
      }
      case 'smp': {
        const items = splitQemuList(value);
        const props = keyValues(items.filter((s) => s.includes('=')));
        const first = items.find((s) => !s.includes('='));
        const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
        const smp = {
          cpus: num(first) ?? num(props['cpus']),
          sockets: num(props['sockets']),
          dies: num(props['dies']),
          cores: num(props['cores']),
          threads: num(props['threads']),
        };
        out.smp = Object.fromEntries(Object.entries(smp).filter(([, v]) => v !== undefined));
        break;
      }
      case 'accel':
        out.accel = splitQemuList(value)[0] ?? value;
        otherOptions.push(`${w.text} ${value}`);
        break;
      default:
        otherOptions.push(`${w.text} ${value}`);
    }
  }
  if (options === 0) {
    const first = words[0];
    throw new FormatError(name, first ? lineAt(first.offset) : 0, 'a QEMU command line (options like -cpu host,... -machine ... -object tdx-guest,...)', first?.text ?? '', format);
  }
  return { kind: 'qemu-cmdline', format, name, warnings, ...(binary === undefined ? {} : { binary }), ...out, otherOptions };
}

/** A line that starts a QEMU command (the binary, Debian's `kvm` wrapper too, after a prompt or a launcher) or an option of one. */
const COMMAND_LINE_START = /^\s*(?:\$\s*)?(?:(?:sudo|exec|env|nohup)\b.*?)?(?:\S*\/)?(?:qemu-system-\w+|qemu-kvm|kvm(?=\s+-))(?:\s|$)|^\s*-(?:cpu|machine|object|smp|m|accel|drive|device|name|bios|kernel|netdev|chardev|display|vga)\s/m;

export const qemuCmdline: InputFormat<QemuCmdlineInput> = {
  id: ID,
  title: 'QEMU command line',
  role: 'requested',
  detect(text) {
    const head = text.slice(0, 200_000);
    const opts = head.match(/(?:^|\s)-(?:cpu|machine|object|smp|m|accel|drive|device|name|bios|kernel|netdev|chardev|display|vga)\s/g)?.length ?? 0;
    const binary = /(?:^|\s|\/)(?:qemu-system-x86_64|qemu-kvm)(?:\s|$)/.test(head);
    const tdx = /-object\s+['"]?(?:tdx-guest|\{[^}]*"qom-type"\s*:\s*"tdx-guest")/.test(head);
    if (opts === 0 && !binary) return null;
    // Options mentioned in prose (a README or bug description: "started with `-cpu host`")
    // do not make a command line: some line must start with the QEMU binary (after a prompt
    // or sudo/exec/env) or with an option, as commands, scripts and libvirt argv files do.
    if (!COMMAND_LINE_START.test(head)) return null;
    // Logs that merely contain a command line (libvirt qemu logs) belong to the qemu-log reader.
    const logLike = /^\S+ (?:starting up|shutting down)\b|^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*\s+\S*qemu|warning: |^char device redirected/m.test(head);
    const conf = logLike ? 0.3 : tdx ? 0.95 : binary && opts >= 1 ? 0.9 : opts >= 3 ? 0.7 : opts >= 1 ? 0.4 : 0.3;
    return { confidence: conf, reason: `QEMU command line: ${opts} option${opts === 1 ? '' : 's'}${tdx ? ', -object tdx-guest' : ''}${binary ? '' : ' (no binary named)'}` };
  },
  parse(text, name) {
    return parseQemuCommandLine(text, name);
  },
};
