import { describe, expect, it } from 'vitest';
import { chooseTable, compareModuleVersions, formatModuleVersion, parseModuleVersion } from './versions';
import { moduleVersions, resolveModuleTable } from './module-table';

describe('TDX module versions', () => {
  it('parses the spellings of logs and people', () => {
    expect(parseModuleVersion('1.5.06')).toEqual({ major: 1, minor: 5, update: 6 });
    expect(parseModuleVersion('1.5.6')).toEqual({ major: 1, minor: 5, update: 6 });
    expect(parseModuleVersion('2.0.18.00.1013')).toEqual({ major: 2, minor: 0, update: 18 });
    expect(parseModuleVersion('1.5-beta')).toEqual({ major: 1, minor: 5, update: -1 });
    expect(parseModuleVersion('v1.0.3')).toEqual({ major: 1, minor: 0, update: 3 });
    expect(parseModuleVersion('latest')).toBeNull();
    expect(formatModuleVersion({ major: 1, minor: 5, update: 6 })).toBe('1.5.06');
  });

  it('orders the knowledge base 1.0.00 < 1.0.3 < 1.5-beta < 1.5.01 < ... < 2.0.18', () => {
    const known = moduleVersions();
    expect(known).toHaveLength(19);
    expect(known[0]).toBe('1.0.00');
    expect(known.slice(0, 4)).toEqual(['1.0.00', '1.0.3', '1.5-beta', '1.5.01']);
    expect(known[known.length - 1]).toBe('2.0.18');
    const parsed = known.map((v) => parseModuleVersion(v)!);
    for (let i = 1; i < parsed.length; i++) expect(compareModuleVersions(parsed[i - 1]!, parsed[i]!)).toBeLessThan(0);
  });

  it('uses the exact table when there is one', () => {
    expect(chooseTable('1.5.6', moduleVersions())).toMatchObject({ table: '1.5.06', exact: true });
  });

  it('uses the nearest older table of the same line for an unknown version, flagged', () => {
    expect(chooseTable('1.5.10', moduleVersions())).toMatchObject({ table: '1.5.09', exact: false });
    const newer = chooseTable('1.5.40', moduleVersions())!;
    expect(newer).toMatchObject({ table: '1.5.34', exact: false });
    expect(newer.reason).toMatch(/newer than every known 1\.5 table/);
    expect(chooseTable('2.0.20', moduleVersions())).toMatchObject({ table: '2.0.18', exact: false });
    // Never a table of another line when the line has an older one.
    expect(chooseTable('2.0.03', moduleVersions())).toMatchObject({ table: '2.0.02', exact: false });
    expect(chooseTable('1.0.1', moduleVersions())).toMatchObject({ table: '1.0.00', exact: false });
  });

  it('falls back to the nearest known version when the line is unknown', () => {
    expect(chooseTable('2.1.01', moduleVersions())).toMatchObject({ table: '2.0.18', exact: false });
    expect(chooseTable('nonsense', moduleVersions())).toBeNull();
  });
});

describe('module version from a line and a build number (older kernels)', () => {
  it('maps a build number to its release', () => {
    expect(resolveModuleTable('1.5', 698)?.choice).toMatchObject({ table: '1.5.05', exact: true });
    expect(resolveModuleTable('1.5', 744)?.choice).toMatchObject({ table: '1.5.06', exact: true });
    expect(resolveModuleTable('2.0', 882)?.choice).toMatchObject({ table: '2.0.08', exact: true });
  });

  it('falls back to the nearest older build, flagged, and never to the beta table', () => {
    expect(resolveModuleTable('1.5', 750)?.choice).toMatchObject({ table: '1.5.06', exact: false });
    const lineOnly = resolveModuleTable('1.5');
    expect(lineOnly?.choice.exact).toBe(false);
    expect(lineOnly?.table.version).toMatch(/^1\.5\.\d\d$/);
    expect(lineOnly?.table.version).not.toBe('1.5-beta');
  });
});
