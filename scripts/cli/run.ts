/**
 * The one way a command-line entry point ends: expected failures (a bad command
 * line, bad data, a diverging loss…) print `name: message` on stderr and set the
 * exit code; anything else is a bug and keeps its stack trace. An output the command
 * refuses to replace (scripts/fs/owned-output.ts) is an expected failure of every CLI.
 */
import { OutputRefusedError } from '../fs/owned-output.js';
import { UsageError } from './args.js';

/** Errors a CLI reports as a plain message with exit code 1 (bad input, not a bug). */
export type ExpectedError = abstract new (...args: never[]) => Error;

export function runCli(name: string, main: (argv: string[]) => unknown, expected: ExpectedError[] = []): void {
  const fail = (error: unknown): void => {
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`${name}: ${(error as Error).message}\n`);
      process.exitCode = 2;
    } else if (error instanceof OutputRefusedError || expected.some((kind) => error instanceof kind)) {
      process.stderr.write(`${name}: ${(error as Error).message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  };
  try {
    const result = main(process.argv.slice(2));
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}
