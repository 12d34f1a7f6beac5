// What the engine assumed because no input said it (tdx-cpuid-model.md 1.1: "the engine
// assumes, and shows that it assumed"). Kept in the order first made, without duplicates.

export class Assumptions {
  private readonly list: string[] = [];
  private readonly seen = new Set<string>();

  add(text: string): void {
    if (this.seen.has(text)) return;
    this.seen.add(text);
    this.list.push(text);
  }

  toArray(): readonly string[] {
    return [...this.list];
  }
}
