#!/usr/bin/env node
/**
 * Builds notebooks/<name>.ipynb from the reviewable sources notebooks/src/<name>.ts.
 *
 * Source format (jupytext "percent" style): a line `// %% md` starts a markdown cell (its lines
 * lose their leading `// `), `// %% parameters` a code cell tagged `parameters`, `// %% code` a
 * plain code cell. Outputs are never stored: the notebooks are executed by `flowlab run`,
 * `flowlab reproduce` and the tests.
 *
 * Usage: node notebooks/src/build.mjs [NAME ...]   (default: every source)
 *        node notebooks/src/build.mjs --check      (exit 1 if an .ipynb differs from its source)
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const out = dirname(here);

export function build(text, name) {
  const cells = [];
  let cur = null;
  const flush = () => {
    if (!cur) return;
    while (cur.lines.length && cur.lines[cur.lines.length - 1].trim() === '') cur.lines.pop();
    while (cur.lines.length && cur.lines[0].trim() === '') cur.lines.shift();
    const source = cur.lines.join('\n');
    const id = createHash('sha1').update(`${name}:${cells.length}`).digest('hex').slice(0, 8);
    if (cur.kind === 'md') cells.push({ cell_type: 'markdown', id, metadata: {}, source });
    else cells.push({ cell_type: 'code', execution_count: null, id, metadata: cur.kind === 'parameters' ? { tags: ['parameters'] } : {}, outputs: [], source });
    cur = null;
  };
  for (const line of text.split('\n')) {
    const m = /^\/\/ %% (md|code|parameters)\s*$/.exec(line);
    if (m) { flush(); cur = { kind: m[1], lines: [] }; continue; }
    if (!cur) { if (line.trim()) throw new Error(`${name}: text before the first '// %%' marker: ${line}`); continue; }
    cur.lines.push(cur.kind === 'md' ? line.replace(/^\/\/ ?/, '') : line);
  }
  flush();
  const nb = {
    cells,
    metadata: {
      kernelspec: { display_name: 'TypeScript (flowlab)', language: 'typescript', name: 'flowlab' },
      language_info: { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const names = args.filter((a) => !a.startsWith('--'));
const sources = names.length ? names.map((n) => `${n}.ts`) : readdirSync(here).filter((f) => f.endsWith('.ts'));
let stale = 0;
for (const file of sources) {
  const name = file.replace(/\.ts$/, '');
  const json = build(readFileSync(join(here, file), 'utf8'), name);
  const target = join(out, `${name}.ipynb`);
  if (check) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== json) { console.error(`stale: notebooks/${name}.ipynb (run node notebooks/src/build.mjs ${name})`); stale++; }
  } else {
    writeFileSync(target, json);
    console.log(`wrote notebooks/${name}.ipynb`);
  }
}
process.exitCode = stale ? 1 : 0;
