/**
 * JIT warm-up of the cell path. In a fresh process the TypeScript parser, the type stripper and
 * the rewriter run in V8's interpreter: a 50-line class cell compiles in ~6 ms cold against
 * ~0.5 ms once V8 has optimized them. The warm-up compiles (never runs) a series of cells shaped
 * like notebook code — classes with typed methods and parameter properties, loops, generics,
 * arrow functions, destructuring, imports, top-level await — plus a few vm runs and result
 * formattings, one small step (a few ms cold, well under 1 ms warm) per macrotask:
 *
 *  - from engine creation on (the kernel starts it right after its first kernel_info_reply), as
 *    long as no request is waiting or running;
 *  - once a request has arrived, only after the engine has been idle for `idleMs`, so that cells
 *    sent back to back never queue behind a step.
 *
 * Two phases. The first `readySteps` (96, ~0.1 s of CPU) make the first cells several times faster
 * than cold; the engine's first requests wait for them (engineWarmup), and `onReady` runs then (the
 * kernel saves TypeScript's code cache, so the next process also skips compiling what they used).
 * The rest, up to `steps` (1,000), only run in quiet moments — a person reading an output — and
 * bring V8 to where it has optimized nearly all of the parser: a 50-line class cell then costs the
 * kernel ~1.2 ms of CPU in all, against ~3 ms after the first phase alone (measured on a 2-core
 * machine). Clients that send cells back to back never give them a moment, so they never pay.
 */
import { Script } from 'node:vm';
import { toBundle } from './runtime/display.js';
import { compileUncached } from './transform/compile.js';
import type { TypeScript } from './typescript.js';

/** Options of startWarmup. */
export interface WarmupOptions {
  /** True while a request is waiting or running: no step starts then. */
  busy(): boolean;
  /** performance.now() of the last request's end (0 before any): steps resume idleMs after it. */
  lastActivity(): number;
  /** Quiet time needed after a request before steps resume, ms (default 100). */
  idleMs?: number;
  /** Steps after which the engine counts as warm (default 96, at most `steps`). */
  readySteps?: number;
  /** Number of compile steps in all (default 1000). */
  steps?: number;
  /** Runs once after readySteps steps. */
  onReady?(): void;
}

/** A notebook-like cell, different for every k (so nothing comes from a cache). */
export function warmupCell(k: number): string {
  const C = `Warm${k}`;
  switch (k % 4) {
    case 0:
      return [
        `class ${C} {`,
        '  constructor(public x: number, private y: number) {}',
        '  readonly tag = "warm";',
        ...Array.from({ length: 12 }, (_, m) => `  m${m}(k: number, s?: string): ${C} {\n    return new ${C}(this.x * k + ${m}, this.y - (s ? s.length : k));\n  }`),
        `  static zero(): ${C} { return new ${C}(0, 0); }`,
        '}',
      ].join('\n');
    case 1:
      return [
        `interface Row${k} { step: number; loss: number; tags?: string[] }`,
        `function mean${k}(xs: number[]): number { let s = 0; for (const x of xs) s += x; return s / xs.length; }`,
        `function last${k}<T>(xs: readonly T[], fallback: T): T { return xs.length ? xs[xs.length - 1]! : fallback; }`,
        `const rows${k}: Row${k}[] = [];`,
        `let acc${k} = 0;`,
        `for (let i = 0; i < 10; i++) { acc${k} += i * i; rows${k}.push({ step: i, loss: 1 / (i + 1) }); }`,
        `for (const r of rows${k}) { if (r.loss! > 0.5) continue; }`,
        `while (acc${k} > 1000) acc${k} -= 7;`,
        `const { step, loss }: Row${k} = rows${k}[0] as Row${k};`,
        `rows${k}.map((r) => r.loss).filter((x): x is number => x > 0).length`,
      ].join('\n');
    case 2:
      return [
        "import * as path from 'node:path';",
        `type Pair${k}<T> = [T, T];`,
        `function swap${k}<T>(p: Pair${k}<T>): Pair${k}<T> { return [p[1], p[0]]; }`,
        `const f${k} = async (n: number): Promise<number> => n * 2;`,
        `const v${k} = await f${k}(${k});`,
        `const [a${k}, b${k}] = swap${k}<number>([v${k}, ${k}]);`,
        `(a${k} satisfies number) + b${k}`,
      ].join('\n');
    default:
      return [
        `abstract class Base${k}<T> { protected v!: T; abstract area(): number }`,
        `class Sq${k} extends Base${k}<number> {`,
        '  s: number;',
        '  constructor(s: number) { super(); this.s = s; }',
        '  area(): number { return (this.s ** 2) as number; }',
        '  get side(): number { return this.s; }',
        '  scale(f: number): this { this.s *= f; return this; }',
        '  static of(s: number): Sq' + k + ' { return new Sq' + k + '(s); }',
        '}',
        `const sq${k} = new Sq${k}(${k});`,
        `sq${k}.area() + (sq${k}.side ?? 0)`,
      ].join('\n');
  }
}

let finished: Promise<void> = Promise.resolve();

/** Resolves when the latest warm-up has done its first phase or was stopped (benchmarks wait for it). */
export function warmedUp(): Promise<void> {
  return finished;
}

const RUNS = [new Script('[1, 2, 3].map((x) => x * 2).reduce((a, b) => a + b, 0)', { filename: '<warm-up>' })];
const VALUES: unknown[] = [2, 'text', { a: 1, b: [1, 2] }, [1, 2, 3], null, undefined, 1.5];

/**
 * Starts the warm-up (see the module comment); returns a function that stops it.
 * @example const stop = startWarmup(ts, { busy: () => active > 0, lastActivity: () => lastEnd })
 */
export function startWarmup(ts: TypeScript, { busy, lastActivity, idleMs = 100, readySteps = 96, steps = 1000, onReady }: WarmupOptions): () => void {
  const ready = Math.min(readySteps, steps);
  let k = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolve = (): void => undefined;
  finished = new Promise<void>((r) => (resolve = r));
  const step = (): void => {
    timer = undefined;
    if (stopped) return;
    const quietFor = performance.now() - lastActivity();
    if (busy() || (lastActivity() > 0 && quietFor < idleMs)) {
      timer = setTimeout(step, busy() ? idleMs : idleMs - quietFor);
      timer.unref?.();
      return;
    }
    try {
      compileUncached(ts, warmupCell(k));
      if (k % 8 === 7) for (const s of RUNS) s.runInThisContext();
      void toBundle(VALUES[k % VALUES.length]);
    } catch { /* warm-up only: a failure costs speed, never correctness */ }
    if (++k === ready) {
      onReady?.();
      resolve();
    }
    if (k >= steps) {
      stopped = true;
      return;
    }
    // The second phase never keeps a process alive on its own (an in-process notebook run ends):
    // an unref'd timer, since an unref'd immediate would wait for the next I/O event to run.
    if (k < ready) setImmediate(step);
    else setTimeout(step, 0).unref();
  };
  if (ready <= 0) resolve();
  if (steps <= 0) return () => undefined;
  setImmediate(step);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    resolve();
  };
}

/** An engine's warm-up: see engineWarmup. */
export interface EngineWarmup {
  /** undefined once warm (start the request now), else a promise: the warm-up is done or waitMs passed. */
  gate(): Promise<void> | undefined;
  /** Marks a request as running (steps wait) and, with end(), as finished. */
  begin(): void;
  end(): void;
  /** Stops the warm-up (engine shutdown). */
  stop(): void;
}

/**
 * Runs the warm-up for one engine once TypeScript has loaded (`ts` resolves), counting the
 * engine's running requests and the ones on their way (`pendingRequests`) as busy time. The first
 * requests wait for its first phase through gate(), at most `waitMs` (default 500: that phase
 * takes ~0.1 s of CPU and is usually done before a client's first cell arrives; on a crowded
 * machine a first cell waiting a little beats every later cell running on a cold parser).
 * @example const w = engineWarmup(preloadTypeScript(), { pendingRequests: () => 0 }); await w.gate();
 */
export function engineWarmup(ts: Promise<TypeScript | undefined>, { pendingRequests = () => 0, steps, waitMs = 500, onReady }: { pendingRequests?: () => number; steps?: number; waitMs?: number; onReady?: () => void } = {}): EngineWarmup {
  let active = 0;
  let lastEnd = 0;
  let warm = false;
  let stopped = false;
  let stop: (() => void) | undefined;
  const started = ts.then((t) => {
    if (!t || stopped) return;
    stop = startWarmup(t, { busy: () => active > 0 || pendingRequests() > 0, lastActivity: () => lastEnd, ...(steps !== undefined ? { steps } : {}), onReady });
    void warmedUp().then(() => { warm = true; });
  }, () => undefined);
  const wait = async (): Promise<void> => {
    await started;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([warmedUp(), new Promise<void>((r) => { timer = setTimeout(r, waitMs); })]);
    clearTimeout(timer);
    warm = true;
  };
  return {
    gate: () => (warm ? undefined : wait()),
    begin() { active++; },
    end() { active--; lastEnd = performance.now(); },
    stop() { stopped = true; stop?.(); },
  };
}
