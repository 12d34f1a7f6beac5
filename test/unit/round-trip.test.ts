// Round trip for every corpus file that a registered CPUID reader parses (readers added
// later are covered too: the corpus and the registry are iterated, nothing is listed by hand):
// convert to `cpuid -r`, read it back, same registers for every CPU; then Todd Allen's
// `cpuid -f` (Debian package `cpuid`) decodes the converted file to the same brand string and
// family/model as the dump's metadata. Files no reader claims, or that a reader refuses, are
// listed as skipped tests with the reason.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCpuidR } from '../../shared/formats/cpuid-r';
import { parseInput } from '../../shared/formats/registry';
import { writeCpuidR } from '../../shared/formats/write-cpuid-r';
import type { CpuidTable } from '../../shared/model/cpuid-table';
import type { CpuidDump } from '../../shared/model/dump';
import { describeTable } from '../../shared/model/dump';
import { FormatError } from '../../shared/model/errors';

const CORPUS = join(__dirname, '../fixtures/corpus');
const CPUID_TOOL = '/usr/bin/cpuid';
const hasCpuidTool = existsSync(CPUID_TOOL);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((p) => !/(README\.md|provenance\.tsv)$/.test(p))
    .sort();
}

/** As the CLI decodes bytes: UTF-8, else Latin-1. */
function readText(path: string): string {
  const bytes = readFileSync(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/**
 * Registers as a CPU answers them: (leaf, sub-leaf) with "no sub-leaf" read as ECX = 0, which
 * is all a `cpuid -r` line can say (etallen prints 0x00 for leaves without sub-leaves).
 */
function answers(table: CpuidTable): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of table.entries()) out.set(`${e.leaf.toString(16)}.${(e.subleaf ?? 0).toString(16)}`, [e.eax, e.ebx, e.ecx, e.edx].map((v) => v.toString(16)).join(' '));
  return out;
}

interface CpuidFirst {
  readonly cpus: number;
  readonly family: number | null;
  readonly model: number | null;
  readonly brand: string | null;
}

/** The first CPU's `(family synth)`, `(model synth)` and `brand = "..."` lines of `cpuid -f`. */
function readCpuidTool(output: string): CpuidFirst {
  const headers = output.match(/^CPU \d+:$/gm) ?? [];
  const first = output.split(/^CPU \d+:$/m)[1] ?? '';
  const num = (label: string): number | null => {
    const m = new RegExp(`\\(${label} synth\\)\\s*= 0x[0-9a-f]+ \\((\\d+)\\)`).exec(first);
    return m ? Number(m[1]) : null;
  };
  const brand = /^ {3}brand = "(.*)"$/m.exec(first);
  return { cpus: headers.length, family: num('family'), model: num('model'), brand: brand ? brand[1]!.replace(/\0/g, '').trim() : null };
}

const tmp = mkdtempSync(join(tmpdir(), 'tdx-cpuid-roundtrip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('convert to cpuid -r and back, for every corpus CPUID dump', () => {
  for (const path of listFiles(CORPUS)) {
    const rel = relative(CORPUS, path);
    const text = readText(path);
    let dump: CpuidDump;
    let format: string;
    try {
      const r = parseInput(text, rel);
      if (r.parsed.kind !== 'cpuid') {
        it.skip(`${rel}: ${r.format.id} input, not a CPUID dump`, () => {});
        continue;
      }
      dump = r.parsed;
      format = r.format.id;
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      const why = e.line === 0 && /expected a CPUID dump, KVM capture/.test(e.message) ? 'no reader claims it' : `refused: ${e.message}`;
      it.skip(`${rel}: ${why}`, () => {});
      continue;
    }

    describe(`${rel} (${format}, ${dump.cpus.length} CPU${dump.cpus.length === 1 ? '' : 's'}, ${dump.valueKind})`, () => {
      const converted = writeCpuidR(dump);
      const file = join(tmp, `${rel.replace(/[^\w.-]+/g, '_')}.cpuid-r.txt`);

      it('reads back with the same registers on every CPU', () => {
        // Non-value dumps (masks, templates, flag sets) keep rows that would look like probes.
        const back = parseCpuidR(converted, file, { valueKind: dump.valueKind, keepProbeRows: dump.valueKind !== 'values' });
        expect(back.cpus.map((c) => c.id)).toEqual(dump.cpus.map((c) => c.id));
        back.cpus.forEach((cpu, i) => expect(answers(cpu.table)).toEqual(answers(dump.cpus[i]!.table)));
        // Identity of a mask or template depends on which bits it gives (`known`), which
        // cpuid -r cannot carry; only real CPUID values must keep their metadata.
        if (dump.valueKind === 'values') expect(back.meta).toMatchObject({ vendor: dump.meta.vendor, family: dump.meta.family, model: dump.meta.model, stepping: dump.meta.stepping });
      });

      it.skipIf(!hasCpuidTool)(`cpuid -f decodes the same brand and family/model${hasCpuidTool ? '' : ` (skipped: ${CPUID_TOOL} is not installed)`}`, () => {
        writeFileSync(file, converted);
        const decoded = readCpuidTool(execFileSync(CPUID_TOOL, ['-f', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
        expect(decoded.cpus).toBe(dump.cpus.length);
        const t0 = dump.cpus[0]!.table;
        // The dump's metadata; where it gives none (masks, partly-given templates), what the
        // registers written say, since that is all cpuid -f sees.
        const registers = describeTable(t0);
        if (t0.has(1, null) || t0.has(1, 0)) {
          expect(decoded.family).toBe(dump.meta.family ?? registers.family);
          expect(decoded.model).toBe(dump.meta.model ?? registers.model);
        }
        const hasBrandLeaves = [0x80000002, 0x80000003, 0x80000004].every((l) => t0.hasLeaf(l));
        const brand = dump.meta.brand ?? registers.brand;
        if (brand !== null && hasBrandLeaves) expect(decoded.brand).toBe(brand);
      });
    });
  }
});
