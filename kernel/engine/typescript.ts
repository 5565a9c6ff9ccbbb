/**
 * Lazy loading of the TypeScript compiler (a 9 MB CommonJS module): `preloadTypeScript()` starts
 * it in the background, `typescript()` awaits it, `tsNow()` returns it once loaded. Kernel startup
 * never waits for it; the first execute may.
 *
 * It is loaded with `require` and a V8 code cache (./code-cache.ts), not `import()`: importing a
 * CommonJS file from ESM makes Node detect its format and lex its exports first, over 9 MB, which
 * tripled the load time (0.6 s vs 0.2 s; 0.05 s with the cache). `saveTypeScriptCache()` writes
 * the cache once the compiler has warmed up.
 */
import type * as TS from 'typescript';
import { requireCached, type CachedModule } from './code-cache.js';
import { kernelRoot } from './paths.js';
import { join } from 'node:path';

/** The TypeScript compiler API module. */
export type TypeScript = typeof TS;

let loading: Promise<TypeScript> | undefined;
let loaded: TypeScript | undefined;
let cached: CachedModule<TypeScript> | undefined;

/** Loads TypeScript now, synchronously (from flowlab's own dependencies), if not yet loaded. */
export function loadTypeScript(): TypeScript {
  if (loaded) return loaded;
  cached = requireCached<TypeScript>('typescript', join(kernelRoot(), 'package.json'));
  loaded = cached.exports;
  return loaded;
}

/** Starts loading TypeScript on the next macrotask (so the caller returns at once). */
export function preloadTypeScript(): Promise<TypeScript> {
  loading ??= new Promise<TypeScript>((resolve, reject) => {
    setTimeout(() => {
      try { resolve(loadTypeScript()); } catch (e) { reject(e); }
    }, 0);
  });
  return loading;
}

/** The TypeScript module, loading it if needed. */
export function typescript(): Promise<TypeScript> {
  return loaded ? Promise.resolve(loaded) : preloadTypeScript();
}

/** The TypeScript module if already loaded, else undefined. */
export function tsNow(): TypeScript | undefined {
  return loaded;
}

/** Writes TypeScript's code cache if this process compiled it from source (see code-cache.ts). */
export function saveTypeScriptCache(): void {
  cached?.save();
}
