/**
 * The `flowlab` command registry: one command per file under src/cli/commands/, registered by
 * name in src/cli/commands/index.ts. Registering a taken name throws (no silent overwrite).
 *
 * Keep command modules light: import heavy code (the kernel, TF.js, the TypeScript compiler)
 * inside `run` with `await import(...)`, so `flowlab kernel` and `flowlab --help` start fast.
 */

/** One `flowlab` sub-command. */
export interface Command {
  /** The word after `flowlab` (lowercase, no spaces). */
  name: string;
  /** One line for `flowlab --help`. */
  summary: string;
  /** Usage text for `flowlab help <name>`: synopsis line(s) then options. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code (default 0). */
  run(args: string[]): Promise<number | void>;
}

const commands = new Map<string, Command>();

/**
 * Adds a command.
 * @example registerCommand({ name: 'doctor', summary: 'checks the setup', usage: 'flowlab doctor', run: async () => 0 })
 */
export function registerCommand(command: Command): void {
  if (!/^[a-z][a-z0-9-]*$/.test(command.name)) {
    throw new Error(`registerCommand: name must be lowercase letters, digits and '-', got '${command.name}'.`);
  }
  if (commands.has(command.name)) {
    throw new Error(`registerCommand: a command named '${command.name}' is already registered; pick another name.`);
  }
  commands.set(command.name, command);
}

/** The command with this name, if registered. */
export function getCommand(name: string): Command | undefined {
  return commands.get(name);
}

/** All registered commands, sorted by name. */
export function listCommands(): Command[] {
  return [...commands.values()].sort((a, b) => a.name.localeCompare(b.name));
}
