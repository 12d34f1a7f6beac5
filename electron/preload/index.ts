// The preload of the main window (sandboxed, context-isolated): exposes the named, typed
// functions of the WorkbenchBridge as `window.workbench` and nothing else — no ipcRenderer,
// no generic send/invoke, no Node.

import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL } from '../../shared/api/bridge';
import { createPreloadBridge } from './bridge';

const bridge = createPreloadBridge(
  {
    invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    // The IpcRendererEvent (with its sender) never reaches the page: listeners get the payload only.
    on: (channel, listener) => void ipcRenderer.on(channel, (_event, payload: unknown) => listener(undefined, payload)),
  },
  (file) => webUtils.getPathForFile(file as File),
);

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
