/**
 * Option parsing for commands (node:util parseArgs, strict), with errors that say what to do.
 */
import { parseArgs } from 'node:util';

/** A usage error: main prints its message and the command's usage, exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option: a boolean flag or a string value (multiple: may repeat). */
export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  multiple?: boolean;
}

/** Parsed values: booleans for flags, strings (or string[] when multiple) for values. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
};

/**
 * Parses a command's arguments; unknown options and missing values become UsageErrors.
 * Defaults: positionals not allowed.
 * @example parseOptions(['--user'], { user: { type: 'boolean' } }).values.user // true
 */
export function parseOptions<O extends Record<string, OptionSpec>>(
  args: string[],
  options: O,
  { positionals = false } = {},
): { values: OptionValues<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals });
    return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
