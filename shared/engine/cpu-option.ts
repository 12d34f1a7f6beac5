// The QEMU `-cpu` option as the engine needs it: model, feature flags in order, and the
// properties that matter for a TD (pmu, check, enforce, tsc-frequency). Accepts the forms QEMU
// accepts: `+f` / `-f` (legacy), `f=on|off`, `f` alone (= on).

export interface CpuFlag {
  readonly name: string;
  readonly on: boolean;
}

export interface CpuRequest {
  readonly model: string;
  readonly flags: readonly CpuFlag[];
  readonly pmu?: boolean;
  readonly check: boolean;
  readonly enforce: boolean;
  readonly tscKhz?: number;
  /** The option as written (normalised), for display. */
  readonly text: string;
}

const BOOL_PROPS = new Set(['pmu', 'check', 'enforce', 'migratable', 'host-phys-bits', 'host-cache-info', 'lmce', 'kvm', 'hv-passthrough']);

function onOff(v: string): boolean | null {
  const t = v.toLowerCase();
  if (t === 'on' || t === 'true' || t === 'yes' || t === '1') return true;
  if (t === 'off' || t === 'false' || t === 'no' || t === '0') return false;
  return null;
}

export function parseCpuOption(text: string): CpuRequest {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const model = parts.shift() ?? 'host';
  const flags: CpuFlag[] = [];
  let pmu: boolean | undefined;
  let check = false;
  let enforce = false;
  let tscKhz: number | undefined;
  for (const p of parts) {
    if (p.startsWith('+') || p.startsWith('-')) {
      flags.push({ name: p.slice(1), on: p[0] === '+' });
      continue;
    }
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? 'on' : p.slice(eq + 1);
    if (key === 'tsc-frequency' || key === 'tsc_frequency') {
      const hz = Number(value);
      if (Number.isFinite(hz) && hz > 0) tscKhz = Math.round(hz / 1000);
      continue;
    }
    const b = onOff(value);
    if (key === 'pmu' && b !== null) pmu = b;
    else if (key === 'check' && b !== null) check = b;
    else if (key === 'enforce' && b !== null) enforce = b;
    else if (!BOOL_PROPS.has(key) && b !== null) flags.push({ name: key, on: b });
  }
  return {
    model,
    flags,
    ...(pmu !== undefined ? { pmu } : {}),
    check,
    enforce,
    ...(tscKhz !== undefined ? { tscKhz } : {}),
    text: [model, ...parts].join(','),
  };
}
