/** A `tonsite` subcommand: one file each under src/node/commands, registered in cli.ts. */
export interface Command {
  name: string;
  /** One line for `tonsite --help`. */
  summary: string;
  /** Full usage text for `tonsite NAME --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A user-facing failure: printed as `tonsite: message`, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
