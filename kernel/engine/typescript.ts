/**
 * Lazy loading of the TypeScript compiler (a 9 MB module that takes ~0.4 s to evaluate):
 * `preloadTypeScript()` starts it in the background, `typescript()` awaits it, `tsNow()` returns
 * it once loaded. Kernel startup never waits for it; the first execute may.
 */
import type * as TS from 'typescript';

/** The TypeScript compiler API module. */
export type TypeScript = typeof TS;

let loading: Promise<TypeScript> | undefined;
let loaded: TypeScript | undefined;

/** Starts loading TypeScript on the next macrotask (so the caller returns at once). */
export function preloadTypeScript(): Promise<TypeScript> {
  if (!loading) {
    loading = new Promise<TypeScript>((resolve, reject) => {
      setTimeout(() => {
        import('typescript').then((m) => {
          loaded = ((m as unknown as { default?: TypeScript }).default ?? m) as TypeScript;
          resolve(loaded);
        }, reject);
      }, 0);
    });
  }
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
