/**
 * kernel_info_reply content, built by the protocol worker without loading the engine, so it is
 * ready within milliseconds of startup.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from './wire.js';

function readVersion(pkgJson: string | undefined): string {
  try {
    return pkgJson ? String((JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? 'unknown') : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The nearest package.json walking up from a directory (the flowlab repository root). */
export function findPackageJson(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (;;) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, 'package.json');
    } catch {
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  }
}

function typescriptVersion(): string {
  try {
    return readVersion(createRequire(import.meta.url).resolve('typescript/package.json'));
  } catch {
    return 'unknown';
  }
}

/** Computes the kernel_info_reply content (status 'ok', protocol 5.3, TypeScript language_info). */
export function kernelInfo(): Record<string, unknown> {
  const version = readVersion(findPackageJson());
  const ts = typescriptVersion();
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'flowlab',
    implementation_version: version,
    language_info: {
      name: 'typescript',
      version: ts,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      codemirror_mode: { name: 'javascript', typescript: true },
      pygments_lexer: 'typescript',
      nbconvert_exporter: 'script',
    },
    banner: `flowlab ${version}: TypeScript ${ts} on Node.js ${process.version}\n` +
      'Cells are TypeScript with top-level await; display(), html``, md``, svg`` and clearOutput() are built in.\n' +
      'import * as fl from "flowlab" for the optimization lab.',
    help_links: [
      { text: 'flowlab', url: 'https://github.com/flowlab/flowlab#readme' },
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'Node.js API', url: 'https://nodejs.org/api/' },
      { text: 'TensorFlow.js API', url: 'https://js.tensorflow.org/api/latest/' },
    ],
    debugger: false,
  };
}
