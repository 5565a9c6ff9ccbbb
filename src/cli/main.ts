#!/usr/bin/env node
/**
 * The `flowlab` executable: `flowlab <command> [options]`, `flowlab --help`, `flowlab --version`.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import type { Command } from './registry.js';

function version(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return String((JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version);
    } catch {
      /* try the next layout (sources vs dist) */
    }
  }
  return 'unknown';
}

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function cli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  // Jupyter starts every kernel through this file: load only that command's module (startup time).
  if (first === 'kernel' && !rest.includes('--help') && !rest.includes('-h')) return run((await import('./commands/kernel.js')).kernelCommand, rest);
  await import('./commands/index.js');
  const { getCommand, listCommands } = await import('./registry.js');
  if (!first || first === '--help' || first === '-h') {
    console.log((await import('./commands/help.js')).overview());
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-V') {
    console.log(version());
    return 0;
  }
  const cmd = getCommand(first);
  if (!cmd) {
    console.error(`flowlab: unknown command '${first}'. Commands: ${listCommands().map((c) => c.name).join(', ')}. Try \`flowlab --help\`.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary}\n\nUsage: ${cmd.usage}`);
    return 0;
  }
  return run(cmd, rest);
}

/** Runs one command; usage errors exit 2, other failures 1. */
async function run(cmd: Command, rest: string[]): Promise<number> {
  try {
    return (await cmd.run(rest)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`flowlab ${cmd.name}: ${err.message}\n\nUsage: ${cmd.usage}`);
      return 2;
    }
    console.error(`flowlab ${cmd.name}: ${(err as Error).message}`);
    return 1;
  }
}

cli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(err.stack ?? err);
    process.exitCode = 1;
  },
);
