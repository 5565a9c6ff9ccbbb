/** `flowlab uninstall`: removes the flowlab kernelspec. */
import { parseOptions } from '../args.js';
import type { Command } from '../registry.js';

export const uninstallCommand: Command = {
  name: 'uninstall',
  summary: 'remove the Jupyter kernelspec installed by `flowlab install`',
  usage: [
    'flowlab uninstall [--user | --sys-prefix | --prefix DIR] [--name NAME]',
    '',
    '  the same location options as `flowlab install` (default --user)',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, { user: { type: 'boolean' }, 'sys-prefix': { type: 'boolean' }, prefix: { type: 'string' }, name: { type: 'string' } });
    const { uninstallKernelspec } = await import('../../../kernel/kernelspec/install.js');
    const dir = uninstallKernelspec({ user: values.user, sysPrefix: values['sys-prefix'], prefix: values.prefix, name: values.name });
    if (!dir) {
      console.error(`No kernelspec '${values.name ?? 'flowlab'}' there; nothing removed.`);
      return 1;
    }
    console.log(`Removed ${dir}`);
    return 0;
  },
};
