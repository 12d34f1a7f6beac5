// Argument schemas of every invoke channel (Electron security checklist: validate IPC
// arguments). The renderer is treated as untrusted input: wrong types, extra arguments,
// oversized strings and unknown enum values are all refused before any work is done.

import { z } from 'zod';
import { workspaceSchema } from '../../../shared/api/workspace';
import type { InvokeName } from './channels';
import { MAX_DROPPED_BLOB_BYTES } from './channels';

const MAX_PATH = 4096;
/** A report (PDF print HTML of a 112-CPU host with the full appendix) stays well under this. */
export const MAX_REPORT_CHARS = 256 * 1024 * 1024;
const MAX_DROPPED = 2000;

const absolutePath = z
  .string()
  .min(1)
  .max(MAX_PATH)
  .refine((p) => !p.includes('\0'), 'NUL in path');

export const droppedPayloadSchema = z
  .object({
    paths: z.array(absolutePath).max(MAX_DROPPED),
    blobs: z
      .array(
        z
          .object({
            name: z.string().min(1).max(1024),
            bytes: z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_DROPPED_BLOB_BYTES, 'dropped file too large'),
          })
          .strict(),
      )
      .max(MAX_DROPPED),
  })
  .strict();

export const exportRequestSchema = z
  .object({
    format: z.enum(['pdf', 'html', 'md', 'json']),
    suggestedName: z.string().min(1).max(255),
    content: z.string().max(MAX_REPORT_CHARS),
  })
  .strict();

export const themeSchema = z.enum(['system', 'light', 'dark']);

/** Argument tuple of each invoke channel; .rest(z.never()) refuses extra arguments. */
export const INVOKE_ARGS = {
  openDialog: z.tuple([z.enum(['files', 'folder'])]),
  openDropped: z.tuple([droppedPayloadSchema]),
  openRecent: z.tuple([absolutePath]),
  recentFiles: z.tuple([]),
  clearRecent: z.tuple([]),
  loadDemo: z.tuple([]),
  saveWorkspace: z.tuple([workspaceSchema, z.enum(['save', 'save-as'])]),
  openWorkspace: z.tuple([]),
  autosave: z.tuple([workspaceSchema]),
  restoreSession: z.tuple([]),
  exportReport: z.tuple([exportRequestSchema]),
  getSettings: z.tuple([]),
  setTheme: z.tuple([themeSchema]),
} as const satisfies Record<InvokeName, z.ZodTuple>;

export type InvokeArgs<K extends InvokeName> = z.infer<(typeof INVOKE_ARGS)[K]>;
