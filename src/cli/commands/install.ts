/** `flowlab install`: writes the flowlab kernelspec where Jupyter finds it. */
import { parseOptions } from '../args.js';
import type { Command } from '../registry.js';

export const installCommand: Command = {
  name: 'install',
  summary: 'install the Jupyter kernelspec "flowlab" (TypeScript (flowlab))',
  usage: [
    'flowlab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]',
    '',
    '  --user           into the user data dir (~/.local/share/jupyter/kernels; default)',
    "  --sys-prefix     into sys.prefix of Jupyter's Python (<prefix>/share/jupyter/kernels)",
    '  --prefix DIR     into DIR/share/jupyter/kernels',
    '  --name NAME      kernelspec name (default flowlab)',
    '  --display-name   name shown in Jupyter (default "TypeScript (flowlab)")',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      user: { type: 'boolean' },
      'sys-prefix': { type: 'boolean' },
      prefix: { type: 'string' },
      name: { type: 'string' },
      'display-name': { type: 'string' },
    });
    const { installKernelspec } = await import('../../../kernel/kernelspec/install.js');
    const dir = installKernelspec({ user: values.user, sysPrefix: values['sys-prefix'], prefix: values.prefix, name: values.name, displayName: values['display-name'] });
    console.log(`Installed kernelspec ${values.name ?? 'flowlab'} in ${dir}`);
    return 0;
  },
};
