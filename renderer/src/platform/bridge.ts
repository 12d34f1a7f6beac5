// The renderer reaches the platform only through the WorkbenchBridge contract
// (shared/api/bridge.ts). In Electron the preload has put it on `window.workbench`;
// in a plain browser (tests, benchmarks) the browser implementation stands in.

import { BRIDGE_GLOBAL } from '../../../shared/api/bridge';
import type { WorkbenchBridge } from '../../../shared/api/bridge';

let current: WorkbenchBridge | null = null;

function preloadBridge(): WorkbenchBridge | null {
  const candidate = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  return candidate && typeof candidate === 'object' ? (candidate as WorkbenchBridge) : null;
}

/** Finds the bridge once at start-up: the preload's, else the browser implementation. */
export async function resolveBridge(): Promise<WorkbenchBridge> {
  const fromPreload = preloadBridge();
  if (fromPreload) return setBridge(fromPreload);
  const { createBrowserBridge } = await import('./browser-bridge');
  return setBridge(createBrowserBridge());
}

export function setBridge(bridge: WorkbenchBridge): WorkbenchBridge {
  current = bridge;
  return bridge;
}

export function bridge(): WorkbenchBridge {
  if (!current) throw new Error('the platform bridge is not ready yet');
  return current;
}
