/** `flowlab help [COMMAND]`: lists commands, or shows one command's usage. */
import { getCommand, listCommands, type Command } from '../registry.js';
import { UsageError } from '../args.js';

/** The overview printed by `flowlab --help`. */
export function overview(): string {
  const cmds = listCommands();
  const width = Math.max(...cmds.map((c) => c.name.length));
  return [
    'flowlab: a TypeScript lab for optimization in deep learning, with its own Jupyter kernel.',
    '',
    'Usage: flowlab <command> [options]',
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `flowlab help <command>` for a command\'s options.',
  ].join('\n');
}

export const helpCommand: Command = {
  name: 'help',
  summary: 'show the commands, or the options of one',
  usage: 'flowlab help [COMMAND]',
  async run(args) {
    if (args.length === 0) {
      console.log(overview());
      return 0;
    }
    const cmd = getCommand(args[0]!);
    if (!cmd) throw new UsageError(`unknown command '${args[0]}'. Known: ${listCommands().map((c) => c.name).join(', ')}.`);
    console.log(`${cmd.summary}\n\nUsage: ${cmd.usage}`);
    return 0;
  },
};
