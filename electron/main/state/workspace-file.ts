// Workspace files (*.tdxws, shared/api/workspace.ts) on disk: read with a size limit and
// the zod schema, so a damaged or foreign file gives a readable message instead of
// half-loading; written atomically, so a crash never leaves half a workspace.

import { promises as fsp } from 'node:fs';
import { MAX_WORKSPACE_BYTES, WORKSPACE_EXTENSION, WORKSPACE_SCHEMA, workspaceSchema, type Workspace } from '../../../shared/api/workspace';
import { writeFileAtomic } from '../fs/atomic-write';

export class WorkspaceFileError extends Error {
  override readonly name = 'WorkspaceFileError';
}

export function serializeWorkspace(ws: Workspace): string {
  return `${JSON.stringify(ws, null, 1)}\n`;
}

export async function writeWorkspaceFile(path: string, ws: Workspace): Promise<void> {
  await writeFileAtomic(path, serializeWorkspace(ws));
}

export function parseWorkspaceText(path: string, text: string): Workspace {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WorkspaceFileError(`${path}: not a workspace file (invalid JSON: ${e instanceof Error ? e.message : String(e)})`);
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  if (typeof json !== 'object' || json === null || schema !== WORKSPACE_SCHEMA) {
    const found = typeof schema === 'string' ? `schema "${schema.slice(0, 80)}"` : 'no schema field';
    throw new WorkspaceFileError(`${path}: not a ${WORKSPACE_SCHEMA} workspace (${found})`);
  }
  const r = workspaceSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new WorkspaceFileError(`${path}: damaged workspace at ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return r.data;
}

export async function readWorkspaceFile(path: string): Promise<Workspace> {
  let size: number;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new WorkspaceFileError(`${path}: not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof WorkspaceFileError) throw e;
    throw new WorkspaceFileError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size > MAX_WORKSPACE_BYTES) throw new WorkspaceFileError(`${path}: ${size} bytes is larger than the ${MAX_WORKSPACE_BYTES}-byte workspace limit`);
  return parseWorkspaceText(path, await fsp.readFile(path, 'utf8'));
}

/** Adds the workspace extension when the user typed a name without it. */
export function withWorkspaceExtension(path: string): string {
  return path.toLowerCase().endsWith(`.${WORKSPACE_EXTENSION}`) ? path : `${path}.${WORKSPACE_EXTENSION}`;
}
