// A file as the workbench received it: where from, its hash (reports list every input
// with its SHA-256), and its text. Bytes are decoded where they are read (electron/ or
// the browser bridge), so shared/ only sees text.

export interface SourceFile {
  /** Path as the user gave it (CLI) or the file's path/name (app); inside a bundle: `bundle.tgz!/dir/file`. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the original bytes. */
  readonly sha256: string;
  readonly size: number;
  readonly text: string;
}
