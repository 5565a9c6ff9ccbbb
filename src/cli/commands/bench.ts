/**
 * `flowlab bench [NAME ...] [-- ARGS]`: lists the benchmark scripts shipped in dist/bench (each
 * prints a markdown table comparing flowlab with the anchors its issue names) and runs them.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../args.js';
import { packageRoot } from '../../data/paths.js';
import type { Command } from '../registry.js';

/** One benchmark script: its name, compiled file and the first sentence of its doc comment. */
export interface Benchmark { name: string; file: string; summary: string }

/** The benchmarks of this installation (dist/bench/*.js), sorted by name. */
export function listBenchmarks(): Benchmark[] {
  const dir = join(packageRoot(), 'dist', 'bench');
  if (!existsSync(dir)) throw new Error(`bench: ${dir} does not exist; build flowlab first (npm run build).`);
  return readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => {
    const file = join(dir, f);
    const doc = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    const text = doc.split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ')
      .replace(/^bench\/[\w-]+:\s*/, '').replace(/\s*\(issue \d+\)/g, '');
    const sentence = /^(.*?)\.(\s|$)/.exec(text)?.[1] ?? text;
    const summary = sentence.length <= 110 ? sentence : `${sentence.slice(0, sentence.lastIndexOf(' ', 108))} …`;
    return { name: f.replace(/\.js$/, ''), file, summary };
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function runScript(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'list or run the benchmarks (markdown tables beside the anchors: deno, tslab, numpy, ...)',
  usage: [
    'flowlab bench                 list the benchmarks with what each measures',
    'flowlab bench NAME [NAME ...] [-- ARGS]',
    '',
    '  NAME      a benchmark from the list (e.g. kernel, compute, optim), or all',
    '  -- ARGS   passed on to every benchmark run (e.g. -- --backends wasm,cpu)',
    '',
    'Benchmarks time things: run them on a quiet machine. Exit code: the first non-zero one.',
  ].join('\n'),
  async run(args) {
    const dash = args.indexOf('--');
    const names = dash >= 0 ? args.slice(0, dash) : args;
    const rest = dash >= 0 ? args.slice(dash + 1) : [];
    const option = names.find((a) => a.startsWith('-'));
    if (option) throw new UsageError(`unknown option '${option}'; put a benchmark's own options after --.`);
    const all = listBenchmarks();
    if (!names.length) {
      for (const b of all) console.log(`${b.name.padEnd(14)} ${b.summary}`);
      return 0;
    }
    const chosen = names.includes('all') ? all : names.map((n) => {
      const b = all.find((x) => x.name === n);
      if (!b) throw new UsageError(`unknown benchmark '${n}'; choose from: ${all.map((x) => x.name).join(', ')} (or all).`);
      return b;
    });
    let code = 0;
    for (const b of chosen) {
      console.log(`\n== bench ${b.name} ==`);
      const c = await runScript(b.file, rest);
      if (c !== 0 && code === 0) code = c;
    }
    return code;
  },
};
