// DOM slots of a virtual list: the key each rendered row's element is given. A row keeps its
// slot while it stays in view, and a row coming into view takes a slot another row freed, so
// scrolling patches the elements of the rows that changed instead of removing and creating
// them (a keyed list removes the element of a key that goes and creates one for a key that
// comes). Positions are indices in the list as shown (after filtering).

export class SlotAssigner {
  private slotOf = new Map<number, number>();

  /** Slots for the positions now in view (unique, each below positions.length). */
  assign(positions: readonly number[]): ReadonlyMap<number, number> {
    const next = new Map<number, number>();
    const taken = new Set<number>();
    for (const p of positions) {
      const s = this.slotOf.get(p);
      if (s !== undefined && s < positions.length) {
        next.set(p, s);
        taken.add(s);
      }
    }
    let free = 0;
    for (const p of positions) {
      if (next.has(p)) continue;
      while (taken.has(free)) free++;
      next.set(p, free);
      taken.add(free);
    }
    this.slotOf = next;
    return next;
  }
}
