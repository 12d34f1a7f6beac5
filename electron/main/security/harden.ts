// Applies the security checklist to Electron objects: every webContents (the app window,
// the print window and anything else that might appear) refuses navigation, new windows
// and <webview>; the session refuses remote loads, permissions and downloads.

import type { Session, WebContents } from 'electron';
import { isAllowedRequest, isPermissionGranted, type LoadPolicy } from './policy';

export function hardenWebContents(wc: WebContents, log: (msg: string) => void = console.warn): void {
  // Checklist 13: no new windows; links the renderer shows are text, not navigation.
  wc.setWindowOpenHandler(({ url }) => {
    log(`blocked window.open of ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  // Checklist 12: no navigation away from the app, in any frame, nor by redirect.
  wc.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`blocked navigation to ${url.slice(0, 200)}`);
  });
  wc.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  wc.on('will-redirect', (event) => event.preventDefault());
  // Checklist 11: no <webview> (webviewTag is off as well).
  wc.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSession(ses: Session, policy: LoadPolicy, log: (msg: string) => void = console.warn): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const ok = isPermissionGranted(permission, details.requestingUrl, policy);
    if (!ok) log(`denied permission ${permission}`);
    callback(ok);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin, policy));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = isAllowedRequest(details.url, policy);
    if (!ok) log(`blocked request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !ok });
  });
  ses.on('will-download', (event) => event.preventDefault());
}
