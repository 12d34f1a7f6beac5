// TDX module version numbers: parsing ("1.5.06", "1.5.6", "2.0.18.00.1013", "1.5-beta"),
// ordering (1.0.00 < 1.0.3 < 1.5-beta < 1.5.01 < ... < 2.0.18) and the choice of table for a
// version the knowledge base does not hold (tdx-cpuid-model.md 2.2: the nearest older table of
// the same major.minor line, flagged).

export interface ModuleVersion {
  readonly major: number;
  readonly minor: number;
  /** Update number; -1 for a pre-release ("1.5-beta"), which sorts before update 0. */
  readonly update: number;
}

/** Parses a module version as people and logs write it; null when it is not one. */
export function parseModuleVersion(text: string): ModuleVersion | null {
  const t = text.trim().replace(/^v/i, '');
  const beta = /^(\d+)\.(\d+)[-.]?beta$/i.exec(t);
  if (beta) return { major: Number(beta[1]), minor: Number(beta[2]), update: -1 };
  // "1.5.06", "1.5.6", "1.5.06.00.744" (major.minor.update.internal.build): the first three count.
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.\d+)*$/.exec(t);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), update: m[3] === undefined ? 0 : Number(m[3]) };
}

export function compareModuleVersions(a: ModuleVersion, b: ModuleVersion): number {
  return a.major - b.major || a.minor - b.minor || a.update - b.update;
}

export function sameLine(a: ModuleVersion, b: ModuleVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

export function formatModuleVersion(v: ModuleVersion): string {
  if (v.update < 0) return `${v.major}.${v.minor}-beta`;
  return `${v.major}.${v.minor}.${String(v.update).padStart(2, '0')}`;
}

export interface TableChoice {
  /** Key of the table used. */
  readonly table: string;
  readonly exact: boolean;
  /** Why this table, in words (shown as an assumption when not exact). */
  readonly reason: string;
}

/**
 * Picks the table for a requested version among the known ones (keys sorted ascending):
 * the same version; else the nearest older table of the same major.minor line; else the
 * oldest table of that line (a version older than every known table of its line); else the
 * nearest older table of any line; else the oldest table.
 */
export function chooseTable(requested: string, known: readonly string[]): TableChoice | null {
  const want = parseModuleVersion(requested);
  if (!want) return null;
  const parsed = known.map((k) => ({ key: k, v: parseModuleVersion(k)! }));
  const exact = parsed.find((p) => compareModuleVersions(p.v, want) === 0);
  if (exact) return { table: exact.key, exact: true, reason: `table ${exact.key} is in the knowledge base` };
  const line = parsed.filter((p) => sameLine(p.v, want));
  const olderInLine = line.filter((p) => compareModuleVersions(p.v, want) < 0);
  const lineText = `${want.major}.${want.minor}`;
  if (olderInLine.length > 0) {
    const t = olderInLine[olderInLine.length - 1]!.key;
    const newest = line[line.length - 1]!;
    const newer = compareModuleVersions(want, newest.v) > 0;
    return {
      table: t,
      exact: false,
      reason: newer
        ? `module ${requested} is newer than every known ${lineText} table; using the newest one, ${t}`
        : `no table for module ${requested}; using the nearest older ${lineText} table, ${t}`,
    };
  }
  if (line.length > 0) {
    return { table: line[0]!.key, exact: false, reason: `module ${requested} is older than every known ${lineText} table; using the oldest one, ${line[0]!.key}` };
  }
  const older = parsed.filter((p) => compareModuleVersions(p.v, want) < 0);
  const pick = older.length > 0 ? older[older.length - 1]! : parsed[0]!;
  return { table: pick.key, exact: false, reason: `no ${lineText} table is known; using ${pick.key}, the nearest known version` };
}
