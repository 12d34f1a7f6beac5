// Window bounds are restored only where the user can see and grab the window: a display
// may have been unplugged or rearranged since the last run. Otherwise the window opens
// at its default size, centred on the primary display.

import { z } from 'zod';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DisplayArea {
  readonly workArea: Rect;
}

export const windowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive().max(100_000),
  height: z.number().int().positive().max(100_000),
  maximized: z.boolean().optional(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** How much of the title bar must lie on one display for the window to count as reachable. */
const GRAB = { width: 120, height: 40 } as const;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** True when the top strip of `r` (the title bar) overlaps one display's work area enough to grab. */
export function isReachable(r: Rect, displays: readonly DisplayArea[]): boolean {
  const titleBar: Rect = { x: r.x, y: r.y, width: r.width, height: Math.min(r.height, GRAB.height) };
  return displays.some((d) => {
    const o = overlap(titleBar, d.workArea);
    return o.width >= Math.min(GRAB.width, r.width) && o.height >= Math.min(GRAB.height, r.height);
  });
}

export function centredDefault(primary: DisplayArea): Rect {
  const wa = primary.workArea;
  const width = Math.min(DEFAULT_SIZE.width, wa.width);
  const height = Math.min(DEFAULT_SIZE.height, wa.height);
  return { x: Math.round(wa.x + (wa.width - width) / 2), y: Math.round(wa.y + (wa.height - height) / 2), width, height };
}

/** The bounds to open the window with, from what was saved (or null) and today's displays. */
export function fitWindowBounds(saved: WindowState | null, displays: readonly DisplayArea[], primary: DisplayArea): { bounds: Rect; maximized: boolean } {
  if (saved && isReachable(saved, displays)) {
    const width = Math.max(MIN_SIZE.width, saved.width);
    const height = Math.max(MIN_SIZE.height, saved.height);
    return { bounds: { x: saved.x, y: saved.y, width, height }, maximized: saved.maximized === true };
  }
  return { bounds: centredDefault(primary), maximized: saved?.maximized === true && displays.length > 0 };
}
