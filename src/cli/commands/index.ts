/**
 * The built-in commands. To add one: create src/cli/commands/<name>.ts exporting a Command
 * (import heavy code lazily inside `run`) and add it to the list below.
 */
import { registerCommand, type Command } from '../registry.js';
import { benchCommand } from './bench.js';
import { doctorCommand } from './doctor.js';
import { helpCommand } from './help.js';
import { installCommand } from './install.js';
import { kernelCommand } from './kernel.js';
import { reproduceCommand } from './reproduce.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';
import { uninstallCommand } from './uninstall.js';

/** Every built-in command, in registration order. */
export const builtinCommands: Command[] = [kernelCommand, installCommand, uninstallCommand, helpCommand, runCommand, reproduceCommand, sweepCommand, benchCommand, doctorCommand];

for (const command of builtinCommands) registerCommand(command);
