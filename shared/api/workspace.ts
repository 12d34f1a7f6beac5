// The workspace file (`*.tdxws`): the inputs (embedded, so a workspace attached to a bug
// report reopens anywhere), per-input overrides, the context choices and the view state.
// Versioned; validated with zod wherever it is read (main process and renderer).

import { z } from 'zod';

export const WORKSPACE_SCHEMA = 'tdx-cpuid/workspace/v1';
export const WORKSPACE_EXTENSION = 'tdxws';
/** Workspaces larger than this are refused (inputs are embedded; real dumps are < 1 MB). */
export const MAX_WORKSPACE_BYTES = 128 * 1024 * 1024;

const hex64 = z.string().regex(/^0x[0-9a-fA-F]{1,16}$/);

export const workspaceInputSchema = z.object({
  path: z.string().min(1).max(4096),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  text: z.string(),
  /** Forced format id / layer; absent = detected. */
  format: z.string().max(64).optional(),
  layer: z.string().max(32).optional(),
  /** Excluded from the analysis but kept in the workspace. */
  disabled: z.boolean().optional(),
});

export const workspaceContextSchema = z.object({
  module: z.string().max(32).optional(),
  kernel: z.string().max(32).optional(),
  qemu: z.string().max(32).optional(),
  cpu: z.string().max(4096).optional(),
  pmu: z.boolean().optional(),
  attributes: hex64.optional(),
  xfam: hex64.optional(),
  tscKhz: z.number().int().positive().optional(),
  /** The guest enabled #VE reduction (TD_CTLS.REDUCE_VE). */
  guestReduceVe: z.boolean().optional(),
});

export const workspaceViewSchema = z
  .object({
    view: z.string().max(32).optional(),
    selectedBit: z.string().max(64).optional(),
    filters: z.record(z.string().max(64), z.union([z.string().max(1024), z.boolean(), z.number()])).optional(),
    compare: z.record(z.string().max(64), z.string().max(4096)).optional(),
    inspectorOpen: z.boolean().optional(),
  })
  .passthrough();

export const workspaceSchema = z.object({
  schema: z.literal(WORKSPACE_SCHEMA),
  savedAt: z.string().max(64).optional(),
  inputs: z.array(workspaceInputSchema).max(10_000),
  context: workspaceContextSchema,
  view: workspaceViewSchema,
});

export type WorkspaceInput = z.infer<typeof workspaceInputSchema>;
export type WorkspaceContext = z.infer<typeof workspaceContextSchema>;
export type WorkspaceView = z.infer<typeof workspaceViewSchema>;
export type Workspace = z.infer<typeof workspaceSchema>;

export function emptyWorkspace(): Workspace {
  return { schema: WORKSPACE_SCHEMA, inputs: [], context: {}, view: {} };
}
