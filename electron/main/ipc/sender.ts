// Who may call the main process (Electron security checklist: "Validate the sender of all
// IPC messages"): only the top-level frame of our own window, showing our own origin
// (app://workbench, or the Vite dev server in `npm run dev`). A sub-frame, another window
// or a page that somehow navigated elsewhere is refused.

/** The parts of Electron's WebFrameMain the check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface IpcEventLike {
  readonly sender: { readonly id: number; readonly mainFrame: FrameLike };
  readonly senderFrame: FrameLike | null;
}

export interface SenderPolicy {
  /** webContents id of the main window, or undefined while there is none. */
  trustedWebContentsId(): number | undefined;
  /** Origins ("scheme://host[:port]") the main frame may show. */
  readonly allowedOrigins: readonly string[];
}

/**
 * "scheme://host[:port]" of a URL. Node's URL gives "null" as the origin of non-special
 * schemes such as app://, so it is built from the parts.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** Null when the sender is trusted, otherwise the reason it is refused. */
export function senderRefusal(event: IpcEventLike, policy: SenderPolicy): string | null {
  const trusted = policy.trustedWebContentsId();
  if (trusted === undefined || event.sender.id !== trusted) return 'not the workbench window';
  const frame = event.senderFrame;
  if (!frame) return 'sender frame is gone';
  const main = event.sender.mainFrame;
  const isMain = frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  if (frame.parent !== null || !isMain) return 'not the top-level frame';
  const origin = originOf(frame.url);
  if (origin === null || !policy.allowedOrigins.includes(origin)) return `origin ${origin ?? '(none)'} is not the workbench`;
  return null;
}
