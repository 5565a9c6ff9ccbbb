/**
 * `require` with a V8 code cache, for the one big CommonJS module the kernel loads on its hot
 * path: the TypeScript compiler (9 MB of JavaScript). Loading it the usual way costs ~0.2 s of
 * parsing and compiling per process (and ~0.6 s more through `import()`, which also runs Node's
 * module-format detection and CommonJS export lexer over the whole file). With the bytecode V8
 * produced in an earlier process it takes ~0.05 s.
 *
 * The cache is one file per (module file, size, mtime, Node version, architecture) under
 * FLOWLAB_CODE_CACHE_DIR, else `$XDG_CACHE_HOME/flowlab/v8` (XDG_CACHE_HOME defaulting to
 * ~/.cache); FLOWLAB_CODE_CACHE=off disables it. V8 checks the cache against its own version,
 * flags and the source and rejects a stale one (the module then compiles normally and the cache
 * is rewritten), so a wrong cache can only cost time, never change behaviour. Writes are atomic
 * (temporary file, then rename): kernels started together never read a torn file.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A module loaded through the cache. */
export interface CachedModule<T> {
  exports: T;
  /** 'hit': bytecode came from the cache; 'miss' / 'rejected': compiled from source; 'off': no cache. */
  status: 'hit' | 'miss' | 'rejected' | 'off';
  /**
   * Writes the cache (unless it was a hit). Call it after the module has done its typical work:
   * the bytecode of every function compiled so far goes in, so the next process skips those too.
   */
  save(): void;
}

/** The code cache directory, or undefined when caching is off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FLOWLAB_CODE_CACHE === 'off' || env.FLOWLAB_CODE_CACHE === '0') return undefined;
  if (env.FLOWLAB_CODE_CACHE_DIR) return env.FLOWLAB_CODE_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flowlab', 'v8');
}

function cacheFile(dir: string, file: string): string {
  const { size, mtimeMs } = statSync(file);
  const key = createHash('sha256').update([file, size, mtimeMs, process.version, process.arch].join('\0')).digest('hex').slice(0, 24);
  return join(dir, `${key}.bin`);
}

/**
 * Loads the CommonJS module `specifier`, resolved from the file `from`, with a V8 code cache.
 * Returns the module already in require's cache if there is one.
 * @example const ts = requireCached<typeof import('typescript')>('typescript', import.meta.filename).exports
 */
export function requireCached<T>(specifier: string, from: string): CachedModule<T> {
  const req = createRequire(from);
  const file = req.resolve(specifier);
  const loaded = req.cache[file];
  if (loaded?.loaded) return { exports: loaded.exports as T, status: 'off', save: () => undefined };
  const dir = codeCacheDir();
  let target: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    if (dir) {
      target = cacheFile(dir, file);
      cachedData = readFileSync(target);
    }
  } catch { /* no cache yet */ }
  // TypeScript's compiler is pure ASCII: a one-byte string straight from the bytes, not a UTF-8
  // decode of 9 MB (10 ms against 20-30 ms here).
  const bytes = readFileSync(file);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8').replace(/^#!.*/, '');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const mod = new Module(file);
  mod.filename = file;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  req.cache[file] = mod;
  const status = !target ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  let saved = status === 'hit' || status === 'off';
  return {
    exports: mod.exports as T,
    status,
    save() {
      if (saved || !target || !dir) return;
      saved = true;
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, target);
      } catch { /* a read-only home: every process compiles from source, nothing else changes */ }
    },
  };
}
