// Matching for the command palette: every word of the query must occur in the title or
// group (case-insensitive); earlier and whole-word hits rank higher.

import type { CommandInfo } from '../../../shared/api/commands';

export function scoreCommand(c: CommandInfo, query: string): number | null {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const hay = `${c.title} ${c.group} ${c.id}`.toLowerCase();
  let score = 0;
  for (const w of words) {
    const at = hay.indexOf(w);
    if (at < 0) return null;
    score += at === 0 ? 0 : /[\s.:]/.test(hay[at - 1] ?? '') ? 1 : 3;
    score += at / 100;
  }
  return score;
}

export function matchCommands(commands: readonly CommandInfo[], query: string): CommandInfo[] {
  return commands
    .map((c, i) => ({ c, i, s: scoreCommand(c, query) }))
    .filter((x): x is { c: CommandInfo; i: number; s: number } => x.s !== null)
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.c);
}
