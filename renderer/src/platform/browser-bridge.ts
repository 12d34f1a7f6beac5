// WorkbenchBridge for a plain browser: what the Electron preload does with native
// dialogs and files, done with what a web page has — a file input and drag & drop
// (File.arrayBuffer), downloads for saving, IndexedDB for the autosaved session, the
// demo bug report bundled into the build. The e2e tests drive the UI through this.

import type {
  DroppedFile,
  ExportRequest,
  OpenProblem,
  OpenResult,
  OpenedFile,
  Settings,
  ThemeSource,
  WorkbenchBridge,
} from '../../../shared/api/bridge';
import type { CommandId } from '../../../shared/api/commands';
import { WORKSPACE_EXTENSION, workspaceSchema } from '../../../shared/api/workspace';
import type { Workspace } from '../../../shared/api/workspace';
import { isBundleName, readDroppedFile } from './read-file';
import { defaultSessionStore } from './session-store';
import type * as DemoModule from '../../../shared/ingest/demo';
import type { SessionStore } from './session-store';

const THEME_KEY = 'tdx-cpuid.theme';
const RECENT_KEY = 'tdx-cpuid.recent';
const SESSION_KEY = 'last-session';
const MAX_RECENT = 12;

export interface BrowserBridgeOptions {
  readonly session?: SessionStore;
  /** Lets tests replace the file picker (a real one needs a user gesture). */
  readonly pickFiles?: (options: PickOptions) => Promise<File[]>;
  readonly download?: (name: string, content: string, mime: string) => void;
}

export interface PickOptions {
  readonly multiple: boolean;
  readonly directory?: boolean;
  readonly accept?: string;
}

function pickWithInput(options: PickOptions): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = options.multiple;
    if (options.accept) input.accept = options.accept;
    if (options.directory) input.webkitdirectory = true;
    input.style.display = 'none';
    const done = (files: File[]): void => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => done([...(input.files ?? [])]));
    input.addEventListener('cancel', () => done([]));
    document.body.append(input);
    input.click();
  });
}

function downloadWithAnchor(name: string, content: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function readRecent(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

function rememberRecent(paths: readonly string[]): void {
  if (paths.length === 0) return;
  const merged = [...paths, ...readRecent().filter((p) => !paths.includes(p))].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(merged));
  } catch {
    // Storage full or disabled: the recent list is a convenience only.
  }
}

function storedTheme(): ThemeSource {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

function darkQuery(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
}

/** Validates a workspace file's text; the error names the file and the first problem. */
export function parseWorkspaceText(name: string, text: string): Workspace {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not a workspace file (invalid JSON: ${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const parsed = workspaceSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`${name}: not a valid workspace${where}: ${issue?.message ?? 'schema mismatch'}`);
  }
  return parsed.data;
}

async function readFiles(files: readonly DroppedFile[], origin?: string): Promise<OpenResult> {
  const opened: OpenedFile[] = [];
  const problems: OpenProblem[] = [];
  for (const f of files) {
    if (isBundleName(f.name)) {
      problems.push({
        path: f.name,
        message: 'bundles (.tar, .tar.gz, .zip) are expanded by the desktop app; in the browser, extract the bundle and open its files',
      });
      continue;
    }
    try {
      opened.push(await readDroppedFile(f, origin ?? f.name));
    } catch (e) {
      problems.push({ path: f.name, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { files: opened, problems };
}

/** The demo's module, fetched once (a first start opens it at once, so fetching starts early). */
let demoModule: Promise<typeof DemoModule> | null = null;
function demoFiles(): Promise<typeof DemoModule> {
  return (demoModule ??= import('../../../shared/ingest/demo'));
}

export function createBrowserBridge(options: BrowserBridgeOptions = {}): WorkbenchBridge {
  void demoFiles();
  const session = options.session ?? defaultSessionStore();
  const pick = options.pickFiles ?? pickWithInput;
  const download = options.download ?? downloadWithAnchor;
  const settingsListeners = new Set<(s: Settings) => void>();
  let workspaceName: string | null = null;

  const settings = (): Settings => ({ theme: storedTheme(), prefersDark: darkQuery()?.matches ?? false });
  darkQuery()?.addEventListener('change', () => {
    const s = settings();
    for (const l of settingsListeners) l(s);
  });

  return {
    platform: 'browser',

    async openDialog(kind) {
      const files = await pick({ multiple: true, directory: kind === 'folder' });
      const named = files.map((f) => ({
        name: f.webkitRelativePath || f.name,
        size: f.size,
        arrayBuffer: () => f.arrayBuffer(),
      }));
      const result = await readFiles(named);
      rememberRecent(result.files.map((f) => f.path));
      return result;
    },

    async openDropped(files) {
      const result = await readFiles(files);
      rememberRecent(result.files.map((f) => f.path));
      return result;
    },

    async openRecent(path) {
      return {
        files: [],
        problems: [{ path, message: 'a browser cannot reopen a file by its name; open or drop it again' }],
      };
    },

    recentFiles: async () => readRecent(),

    async clearRecent() {
      try {
        localStorage.removeItem(RECENT_KEY);
      } catch {
        // nothing stored
      }
    },

    async loadDemo() {
      // The same demo files the CLI and the desktop app load (resources/demo/, generated
      // into shared/ingest/demo-files.ts); a separate chunk, fetched when first asked for.
      return (await demoFiles()).demoOpenResult();
    },

    async saveWorkspace(workspace, mode) {
      const name = mode === 'save' && workspaceName ? workspaceName : `workspace.${WORKSPACE_EXTENSION}`;
      download(name, JSON.stringify(workspace), 'application/json');
      workspaceName = name;
      return { path: name };
    },

    async openWorkspace() {
      const [file] = await pick({ multiple: false, accept: `.${WORKSPACE_EXTENSION},.json` });
      if (!file) return null;
      const workspace = parseWorkspaceText(file.name, await file.text());
      workspaceName = file.name;
      return { path: file.name, workspace };
    },

    async autosave(workspace) {
      await session.set(SESSION_KEY, JSON.stringify(workspace));
    },

    async restoreSession() {
      const text = await session.get(SESSION_KEY);
      if (text === null) return null;
      try {
        return parseWorkspaceText('autosaved session', text);
      } catch {
        // A session from an older build that no longer validates: start fresh.
        await session.delete(SESSION_KEY);
        return null;
      }
    },

    async exportReport(request: ExportRequest) {
      const mime = { pdf: 'text/html', html: 'text/html', md: 'text/markdown', json: 'application/json' }[request.format];
      // A web page cannot print to a PDF file by itself: it saves the print HTML, which
      // the browser's own "Print to PDF" turns into the same PDF the desktop app writes.
      const name = request.format === 'pdf' ? request.suggestedName.replace(/\.pdf$/i, '.html') : request.suggestedName;
      download(name, request.content, mime);
      return { path: name };
    },

    getSettings: async () => settings(),

    async setTheme(theme) {
      try {
        localStorage.setItem(THEME_KEY, theme);
      } catch {
        // not persisted; still applied for this page
      }
      const s = { ...settings(), theme };
      for (const l of settingsListeners) l(s);
      return s;
    },

    // Menus and accelerators do not exist in a browser: the renderer maps the registry's
    // accelerators to key events itself (commands/shortcuts.ts).
    onCommand(_listener: (id: CommandId) => void) {
      return () => undefined;
    },

    // Nothing outside the page opens files in a browser.
    onOpened(_listener: (result: OpenResult) => void) {
      return () => undefined;
    },

    onSettingsChanged(listener) {
      settingsListeners.add(listener);
      return () => settingsListeners.delete(listener);
    },
  };
}
