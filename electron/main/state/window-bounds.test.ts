import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, fitWindowBounds, isReachable, MIN_SIZE } from './window-bounds';

const laptop = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const monitorRight = { workArea: { x: 1440, y: 0, width: 2560, height: 1440 } };

describe('fitWindowBounds', () => {
  it('restores bounds on a display that is still there, with maximized state', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1100, maximized: true };
    expect(fitWindowBounds(saved, [laptop, monitorRight], laptop)).toEqual({ bounds: { x: 1600, y: 100, width: 1800, height: 1100 }, maximized: true });
  });

  it('centres the default on the primary display when the saved display was unplugged', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1100 };
    const r = fitWindowBounds(saved, [laptop], laptop);
    expect(r.bounds).toEqual({ x: 20, y: 25, width: DEFAULT_SIZE.width, height: 875 });
    expect(r.maximized).toBe(false);
  });

  it('centres the default on first start', () => {
    const big = { workArea: { x: 0, y: 0, width: 2000, height: 1200 } };
    expect(fitWindowBounds(null, [big], big).bounds).toEqual({ x: 300, y: 150, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height });
  });

  it('treats a window whose title bar is off every screen as lost', () => {
    // Mostly on screen, but the title bar is above the top edge: cannot be dragged back.
    expect(isReachable({ x: 100, y: -300, width: 1000, height: 800 }, [laptop])).toBe(false);
    // Only a sliver at the right edge.
    expect(isReachable({ x: 1430, y: 100, width: 1000, height: 800 }, [laptop])).toBe(false);
    // Straddling two displays is fine.
    expect(isReachable({ x: 1000, y: 100, width: 1000, height: 800 }, [laptop, monitorRight])).toBe(true);
    // Negative coordinates are valid for a display left of the primary one.
    const left = { workArea: { x: -1920, y: 0, width: 1920, height: 1080 } };
    expect(isReachable({ x: -1800, y: 50, width: 1200, height: 800 }, [left, laptop])).toBe(true);
  });

  it('never restores a window smaller than the minimum size', () => {
    const r = fitWindowBounds({ x: 10, y: 40, width: 300, height: 200 }, [laptop], laptop);
    expect(r.bounds.width).toBe(MIN_SIZE.width);
    expect(r.bounds.height).toBe(MIN_SIZE.height);
  });
});
