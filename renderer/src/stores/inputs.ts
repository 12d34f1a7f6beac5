// The inputs of the session: the files as opened (text kept, it is also what a workspace
// embeds) and the user's per-file overrides. Files are frozen and kept out of Vue's deep
// reactivity: a dump can be megabytes of text.

import { defineStore } from 'pinia';
import { computed, markRaw, shallowRef } from 'vue';
import type { OpenResult, OpenedFile } from '../../../shared/api/bridge';
import type { WorkspaceInput } from '../../../shared/api/workspace';
import type { InputRole } from '../../../shared/model/layers';
import type { AnalysisInput } from '../analysis/types';

export interface SessionInput {
  readonly id: string;
  readonly file: OpenedFile;
  readonly format?: string;
  readonly layer?: InputRole;
  readonly disabled?: boolean;
}

export interface AddOutcome {
  readonly added: readonly SessionInput[];
  readonly duplicates: readonly string[];
}

/** An input as a workspace stores it (and the analysis reads it): the file and the user's overrides. */
function workspaceInput(i: SessionInput): Omit<AnalysisInput, 'id'> & WorkspaceInput {
  return {
    path: i.file.path,
    sha256: i.file.sha256,
    size: i.file.size,
    text: i.file.text,
    ...(i.format ? { format: i.format } : {}),
    ...(i.layer ? { layer: i.layer } : {}),
    ...(i.disabled ? { disabled: true } : {}),
  };
}

export const useInputsStore = defineStore('inputs', () => {
  const inputs = shallowRef<readonly SessionInput[]>([]);
  let counter = 0;

  const forAnalysis = computed<AnalysisInput[]>(() => inputs.value.map((i) => ({ id: i.id, ...workspaceInput(i) })));

  function newId(sha256: string): string {
    counter += 1;
    return `${sha256.slice(0, 12)}-${counter}`;
  }

  /** Adds opened files; the same bytes under the same name are not added twice. */
  function add(files: readonly OpenedFile[], overrides?: (f: OpenedFile, i: number) => Partial<SessionInput>): AddOutcome {
    const added: SessionInput[] = [];
    const duplicates: string[] = [];
    const seen = new Set(inputs.value.map((i) => `${i.file.sha256}|${i.file.path}`));
    files.forEach((file, i) => {
      const key = `${file.sha256}|${file.path}`;
      if (seen.has(key)) {
        duplicates.push(file.path);
        return;
      }
      seen.add(key);
      added.push(markRaw({ ...overrides?.(file, i), id: newId(file.sha256), file: markRaw(file) }));
    });
    if (added.length) inputs.value = [...inputs.value, ...added];
    return { added, duplicates };
  }

  function addResult(result: OpenResult): AddOutcome {
    return add(result.files);
  }

  function update(id: string, change: Partial<Pick<SessionInput, 'format' | 'layer' | 'disabled'>>): void {
    inputs.value = inputs.value.map((i) => {
      if (i.id !== id) return i;
      const next: Record<string, unknown> = { ...i, ...change };
      for (const k of ['format', 'layer', 'disabled'] as const) if (next[k] === undefined || next[k] === false) delete next[k];
      return markRaw(next as unknown as SessionInput);
    });
  }

  function remove(id: string): void {
    inputs.value = inputs.value.filter((i) => i.id !== id);
  }

  function clear(): void {
    inputs.value = [];
  }

  function replaceAll(list: readonly WorkspaceInput[]): void {
    inputs.value = [];
    add(
      list.map((w) => ({ path: w.path, sha256: w.sha256, size: w.size, text: w.text, origin: w.path })),
      (_f, i) => {
        const w = list[i]!;
        return {
          ...(w.format ? { format: w.format } : {}),
          ...(w.layer ? { layer: w.layer as InputRole } : {}),
          ...(w.disabled ? { disabled: true } : {}),
        };
      },
    );
  }

  function toWorkspace(): WorkspaceInput[] {
    return inputs.value.map(workspaceInput);
  }

  function byId(id: string): SessionInput | undefined {
    return inputs.value.find((i) => i.id === id);
  }

  return { inputs, forAnalysis, add, addResult, update, remove, clear, replaceAll, toWorkspace, byId };
});
