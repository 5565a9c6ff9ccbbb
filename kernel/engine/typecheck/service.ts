/**
 * A TypeScript LanguageService over the notebook's cells (runs in the type-check worker).
 *
 * Each cell that declares names becomes a virtual module `__flowlab_cell_K__.ts` in the kernel's
 * cwd: its text, then (after it, so line:column stay the cell's own) imports of every name an
 * earlier cell declared (from the latest cell declaring it) and `export { its names }`. Packages
 * resolve from the cwd, then from flowlab's own node_modules; `flowlab` and `tslab` resolve to
 * flowlab's types and the tslab shim's declarations.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TS from 'typescript';
import type { TypeScript } from '../typescript.js';
import { formatDiagnostics } from './format.js';
import { declaredNames, referencedNames } from './names.js';

const GLOBALS = `
/** Shows a value as a new output; returns a handle to update it in place. */
declare function display(value: unknown, options?: { id?: string }): { id: string; update(value: unknown): void };
/** Clears this cell's output (when the next output arrives if wait is true). */
declare function clearOutput(options?: { wait?: boolean }): void;
interface FlowlabRich { toString(): string }
/** An HTML fragment that displays as HTML: html\`<b>\${x}</b>\`. */
declare function html(strings: TemplateStringsArray | string, ...values: unknown[]): FlowlabRich;
/** Markdown that displays rendered: md\`# Title\`. */
declare function md(strings: TemplateStringsArray | string, ...values: unknown[]): FlowlabRich;
/** An SVG image: svg\`<svg ...>\`. */
declare function svg(strings: TemplateStringsArray | string, ...values: unknown[]): FlowlabRich;
/** Reads a line typed by the user in the front end. */
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;
`;
const NODE_FALLBACK = 'declare var process: any; declare var Buffer: any; declare var require: any;\n';
const TSLAB = `
export interface Display { javascript(s: string): void; html(s: string): void; markdown(s: string): void; latex(s: string): void; svg(s: string): void; png(b: Uint8Array): void; jpeg(b: Uint8Array): void; gif(b: Uint8Array): void; pdf(b: Uint8Array): void; text(s: string): void; raw(contentType: string, b: string | Uint8Array): void }
/** Utility functions to display rich contents (tslab-compatible). */
export declare const display: Display & ((value: unknown, options?: { id?: string }) => unknown);
/** A Display whose every call replaces the same output. */
export declare function newDisplay(): Display;
export declare const isNode: boolean;
export declare const isBrowser: boolean;
export declare const versions: { tslab: string; typescript: string; node: string };
`;

interface VFile { text: string; version: number }

/** Options for the cell service. */
export interface ServiceOptions { cwd: string; kernelRoot: string; flowlabTypes: string }

/** Type checking, completion and quick info for notebook cells. */
export class CellService {
  private files = new Map<string, VFile>();
  private cells: Array<{ file: string; names: string[]; code: string }> = [];
  private readonly ls: TS.LanguageService;
  private readonly scratch: string;
  private readonly tslabFile: string;
  private readonly options: TS.CompilerOptions;
  private count = 0;
  private epoch = 0;
  private checkCache = new Map<string, string>();

  constructor(private readonly ts: TypeScript, private readonly o: ServiceOptions) {
    const typesDir = findUp(o.kernelRoot, join('node_modules', '@types', 'node'));
    this.options = {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, resolveJsonModule: true,
      allowImportingTsExtensions: true, lib: typesDir ? ['lib.es2022.d.ts'] : ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: typesDir ? ['node'] : [], typeRoots: typesDir ? [dirname(typesDir)] : [],
    };
    this.scratch = join(o.cwd, '__flowlab_scratch__.ts');
    this.tslabFile = join(o.cwd, '__flowlab_tslab__.d.ts');
    this.write(join(o.cwd, '__flowlab_globals__.d.ts'), GLOBALS + (typesDir ? '' : NODE_FALLBACK));
    this.write(this.tslabFile, TSLAB);
    this.write(this.scratch, 'export {};\n');
    const sys = ts.sys;
    const cache = ts.createModuleResolutionCache(o.cwd, (f) => f, this.options);
    const moduleHost: TS.ModuleResolutionHost = {
      fileExists: (f) => this.files.has(f) || sys.fileExists(f),
      readFile: (f) => this.files.get(f)?.text ?? sys.readFile(f),
      directoryExists: sys.directoryExists, realpath: sys.realpath, getCurrentDirectory: () => o.cwd, getDirectories: sys.getDirectories,
    };
    const fallbackFrom = join(o.kernelRoot, '__flowlab_resolve__.ts');
    const resolveOne = (name: string, containing: string): TS.ResolvedModuleFull | undefined => {
      if (name === 'tslab') return { resolvedFileName: this.tslabFile, extension: ts.Extension.Dts, isExternalLibraryImport: false };
      if (name === 'flowlab' && existsSync(o.flowlabTypes)) {
        const f = o.flowlabTypes;
        return { resolvedFileName: f, extension: f.endsWith('.d.ts') ? ts.Extension.Dts : ts.Extension.Ts, isExternalLibraryImport: false };
      }
      return ts.resolveModuleName(name, containing, this.options, moduleHost, cache).resolvedModule
        ?? ts.resolveModuleName(name, fallbackFrom, this.options, moduleHost, cache).resolvedModule;
    };
    const host: TS.LanguageServiceHost = {
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (f) => String(this.files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const v = this.files.get(f);
        if (v) return ts.ScriptSnapshot.fromString(v.text);
        const t = sys.readFile(f);
        return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
      },
      getCurrentDirectory: () => o.cwd,
      getCompilationSettings: () => this.options,
      getDefaultLibFileName: (opts) => ts.getDefaultLibFilePath(opts),
      fileExists: moduleHost.fileExists, readFile: moduleHost.readFile,
      readDirectory: sys.readDirectory, directoryExists: sys.directoryExists, getDirectories: sys.getDirectories, realpath: sys.realpath,
      resolveModuleNameLiterals: (lits, containing) => lits.map((l) => ({ resolvedModule: resolveOne(l.text, containing) })),
    };
    this.ls = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  private write(file: string, text: string): void {
    const old = this.files.get(file);
    if (old && old.text === text) return;
    this.files.set(file, { text, version: (old?.version ?? 0) + 1 });
  }

  /**
   * The checked-file text for `code`: the cell, then imports of earlier names it does not
   * redeclare — only those it mentions (`used`) when given. Importing every earlier name made the
   * program's import graph grow with the square of the number of cells (a check took 0.06 s after
   * 10 cells, 1.3 s after 400); with only the names a cell uses it stays flat.
   */
  private moduleText(code: string, own: string[], exported: Set<string>, used?: Set<string>): string {
    const ownSet = new Set(own);
    const from = new Map<string, string>();
    for (const c of this.cells) for (const n of c.names) if (!ownSet.has(n) && (!used || used.has(n))) from.set(n, c.file);
    const byFile = new Map<string, string[]>();
    for (const [n, f] of from) byFile.set(f, [...(byFile.get(f) ?? []), n]);
    let tail = '\n';
    for (const [f, ns] of byFile) tail += `import { ${ns.join(', ')} } from "./${f.slice(this.o.cwd.length + 1, -3)}";\n`;
    const exp = own.filter((n) => !exported.has(n));
    tail += exp.length ? `export { ${exp.join(', ')} };\n` : 'export {};\n';
    return code + tail;
  }

  /** Type-checks a cell (execution count `cell`) and registers its declarations for later cells. */
  check(cell: number, code: string): string {
    return this.checkMany([{ cell, code }])[0]!;
  }

  /**
   * Type-checks cells in order, as if checked one by one, with one TypeScript program for all of
   * them: every cell's file is written first, then each is checked. A new program (and type
   * checker, which merges every global declaration of the default library and @types/node) per
   * cell was what made checks cost ~0.1 s each; a batch of cells that queued up while the kernel
   * was busy now costs about as much as one.
   */
  checkMany(cells: ReadonlyArray<{ cell: number; code: string }>): string[] {
    const plans = cells.map(({ cell, code }, i) => this.prepare(cell, code, i));
    const out = plans.map((p) => {
      if (p.text !== undefined) return p.text;
      const diags = [...this.ls.getSyntacticDiagnostics(p.file!), ...this.ls.getSemanticDiagnostics(p.file!)];
      const text = formatDiagnostics(this.ts, diags, -1, p.code.length);
      if (this.checkCache.size > 200) this.checkCache.clear();
      this.checkCache.set(p.key!, text);
      return text.split('cell [-1]').join(`cell [${p.cell}]`);
    });
    // Cells that declare nothing were checked in files of their own: drop those.
    for (const p of plans) if (p.scratch) this.files.delete(p.file!);
    return out;
  }

  /** Registers a cell's file for checking, or answers from the cache (`text`). */
  private prepare(cell: number, code: string, slot: number): { cell: number; code: string; text?: string; file?: string; key?: string; scratch?: boolean } {
    const ts = this.ts;
    const sf = ts.createSourceFile('c.ts', code, ts.ScriptTarget.ES2022, true);
    const { names, exported } = declaredNames(ts, sf);
    const key = `${this.epoch}\0${code}`;
    // Re-running the cell that last declared these names: same environment, same diagnostics.
    const rerun = names.length > 0 && this.cells.length > 0 && this.cells[this.cells.length - 1].code === code;
    const cached = names.length && !rerun ? undefined : this.checkCache.get(key);
    if (cached !== undefined) return { cell, code, text: cached.split('cell [-1]').join(`cell [${cell}]`) };
    const text = this.moduleText(code, names, exported, referencedNames(ts, sf));
    let file = slot === 0 ? this.scratch : join(this.o.cwd, `__flowlab_scratch_${slot}__.ts`);
    if (names.length) {
      file = join(this.o.cwd, `__flowlab_cell_${++this.count}__.ts`);
      this.cells.push({ file, names, code });
      this.epoch++;
    }
    this.write(file, text);
    return { cell, code, file, key: `${this.epoch}\0${code}`, scratch: !names.length && slot > 0 };
  }

  private probe(code: string): string {
    const sf = this.ts.createSourceFile('c.ts', code, this.ts.ScriptTarget.ES2022, true);
    const { names, exported } = declaredNames(this.ts, sf);
    const file = join(this.o.cwd, '__flowlab_probe__.ts');
    this.write(file, this.moduleText(code, names, exported));
    return file;
  }

  /** Completions at `pos` (UTF-16 offset) of a code fragment, in the scope of all cells run so far. */
  complete(code: string, pos: number): Array<{ name: string; kind: string; sortText: string }> {
    const file = this.probe(code);
    const r = this.ls.getCompletionsAtPosition(file, pos, { includeCompletionsWithInsertText: true });
    return (r?.entries ?? []).map((e) => ({ name: e.name, kind: e.kind, sortText: e.sortText }));
  }

  /** Quick info (signature and doc comment) of the symbol at `pos`. */
  inspect(code: string, pos: number): { signature: string; doc: string } | undefined {
    const file = this.probe(code);
    let at = pos;
    let q = this.ls.getQuickInfoAtPosition(file, pos);
    if (!q && pos > 0) q = this.ls.getQuickInfoAtPosition(file, (at = pos - 1));
    if (!q) return undefined;
    if (q.kind === this.ts.ScriptElementKind.alias) {
      // A name from an earlier cell is an import here: show the declaration itself.
      const def = this.ls.getDefinitionAtPosition(file, at)?.[0];
      const real = def && this.ls.getQuickInfoAtPosition(def.fileName, def.textSpan.start);
      if (real) q = real;
    }
    const text = (parts?: TS.SymbolDisplayPart[]) => (parts ?? []).map((p) => p.text).join('');
    const tags = (q.tags ?? []).map((t) => `@${t.name} ${text(t.text)}`.trim());
    return { signature: text(q.displayParts), doc: [text(q.documentation), ...tags].filter(Boolean).join('\n\n') };
  }
}

function findUp(from: string, rel: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, rel))) return join(dir, rel);
    if (dirname(dir) === dir) return undefined;
  }
}
