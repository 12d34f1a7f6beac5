// Exit codes of the CLI contract and the error type for usage problems.

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A usage or input problem the user can fix; printed as one line, exit status 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
