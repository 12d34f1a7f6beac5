import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../model/errors';
import type { JsonNode } from './located-json';
import { jsonMember, parseLocatedJson } from './located-json';

const parse = (text: string): JsonNode => parseLocatedJson(text, 'f.json', 'test');

/** The plain value of a node, to compare with JSON.parse. */
function plain(n: JsonNode): unknown {
  switch (n.kind) {
    case 'object':
      return Object.fromEntries(n.members.map((m) => [m.key, plain(m.value)]));
    case 'array':
      return n.items.map(plain);
    case 'null':
      return null;
    default:
      return n.value;
  }
}

describe('located JSON', () => {
  it('gives the line of every value and member', () => {
    const root = parse('{\n  "a": 1,\r\n  "b": [\n    "x",\r    true\n  ]\n}');
    if (root.kind !== 'object') throw new Error('object expected');
    expect(root.line).toBe(1);
    expect(root.members.map((m) => [m.key, m.keyLine, m.value.line])).toEqual([
      ['a', 2, 2],
      ['b', 3, 3],
    ]);
    const b = jsonMember(root, 'b');
    expect(b?.kind === 'array' && b.items.map((i) => i.line)).toEqual([4, 5]);
  });

  it('agrees with JSON.parse on valid documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        expect(plain(parse(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects what JSON.parse rejects, with a line', () => {
    for (const [text, line] of [
      ['{"a": 1,}', 1],
      ['{\n"a" 1}', 2],
      ['[1,\n2\n3]', 3],
      ['"tab\there"', 1],
      ['"\\x"', 1],
      ['01', 1],
      ['{"a": tru}', 1],
      ['[1]\n\n x', 3],
      ['\n\n[', 3],
    ] as const) {
      expect(() => JSON.parse(text)).toThrow();
      let err: unknown;
      try {
        parse(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(FormatError);
      expect((err as FormatError).line, text).toBe(line);
    }
  });

  it('caps nesting instead of overflowing the stack', () => {
    expect(() => parse('['.repeat(1_000_000))).toThrow(FormatError);
    expect(plain(parse(`${'['.repeat(60)}${']'.repeat(60)}`))).toBeDefined();
  });

  it('takes the last of repeated members, as JSON.parse does', () => {
    const root = parse('{"a": 1, "a": 2}');
    expect(root.kind === 'object' && jsonMember(root, 'a')).toMatchObject({ kind: 'number', value: 2 });
  });
});
