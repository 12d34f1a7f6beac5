// What every input reader provides (architecture.md: "one module per input format, each
// exporting detect(text) -> confidence and parse(text, name) -> parsed source").

import type { CpuidDump } from '../model/dump';
import type { DmesgInput, KvmInput, QemuCmdlineInput, QemuLogInput } from '../model/inputs';
import type { InputRole } from '../model/layers';

export type ParsedInput = CpuidDump | KvmInput | DmesgInput | QemuLogInput | QemuCmdlineInput;

export interface Detection {
  /** 0 (not this format) .. 1 (certain). */
  readonly confidence: number;
  /** Why, in words a user reads in the sources panel: "AIDA64 CPUID dump: 112 CPU sections". */
  readonly reason: string;
}

export interface InputFormat<T extends ParsedInput = ParsedInput> {
  /** Stable id used in JSON output and `--format NAME` (e.g. `cpuid-r`, `aida64`). */
  readonly id: string;
  /** Human name: "etallen cpuid -r raw dump". */
  readonly title: string;
  /** The layer this format normally feeds; the classifier may refine it (host vs guest). */
  readonly role: InputRole;
  /** Looks at the text (never the file name) and says how sure it is. Must be fast and never throw. */
  detect(text: string): Detection | null;
  /** Reads the text. Throws only FormatError (file, line, expected). */
  parse(text: string, name: string): T;
  /**
   * For formats whose data is split over several files (hwloc-gather-cpuid: one `puN` file
   * per CPU): merges the parsed files of one folder into one input.
   */
  combine?(parts: readonly { readonly name: string; readonly parsed: T }[], name: string): T;
}
