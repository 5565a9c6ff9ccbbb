/**
 * JIT warm-up of the cell path. In a fresh process the TypeScript parser, the type stripper and
 * the rewriter run in V8's interpreter: a 50-line class cell compiles in ~6 ms cold against
 * ~0.5 ms once V8 has optimized them. The warm-up compiles (never runs) a series of cells shaped
 * like notebook code — classes with typed methods and parameter properties, loops, generics,
 * arrow functions, destructuring, imports, top-level await — plus a few vm runs and result
 * formattings, one small step (a few ms cold, well under 1 ms warm) per macrotask:
 *
 *  - from engine creation on (the kernel creates the engine as soon as its sockets are bound), as
 *    long as no request is waiting or running;
 *  - once a request has arrived, only after the engine has been idle for `idleMs`, so that cells
 *    sent back to back never queue behind a step — unless a request is waiting for the first
 *    phase (`hurry`): then its steps run back to back.
 *
 * Two phases. The first `readySteps` (200, ~0.2 s of CPU) bring V8 to where it has optimized
 * most of the parser; large cells wait for them (engineWarmup), small ones do not (they compile
 * in well under a millisecond even on a cold parser), and `onReady` runs then (the kernel saves
 * TypeScript's code cache, so the next process also skips compiling what they used). Measured on
 * this 2-core machine with bench/kernel.ts, 50-line class cells sent back to back right after
 * that phase: 2.8 ms a round trip after 96 steps, 1.8 ms after 200. The rest, up to `steps`
 * (1,000), only run in quiet moments — a person reading an output — and finish the job. Clients
 * that send cells back to back never give them a moment, so they never pay.
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
  /** Steps after which the engine counts as warm (default 200, at most `steps`). */
  readySteps?: number;
  /** Number of compile steps in all (default 1000). */
  steps?: number;
  /** Runs once after readySteps steps. */
  onReady?(): void;
  /** Runs after every step with the number of steps done (diagnostics, tests). */
  onStep?(done: number): void;
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

/** A running warm-up. */
export interface Warmup {
  /** Stops it (warmedUp() resolves). */
  stop(): void;
  /** While on, first-phase steps run back to back whenever nothing is busy (a request waits for them). */
  hurry(on: boolean): void;
}

/**
 * Starts the warm-up (see the module comment).
 * @example const w = startWarmup(ts, { busy: () => active > 0, lastActivity: () => lastEnd }); w.stop();
 */
export function startWarmup(ts: TypeScript, { busy, lastActivity, idleMs = 100, readySteps = 200, steps = 1000, onReady, onStep }: WarmupOptions): Warmup {
  const ready = Math.min(readySteps, steps);
  let k = 0;
  let stopped = false;
  let hurried = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let resolve = (): void => undefined;
  finished = new Promise<void>((r) => (resolve = r));
  const later = (ms: number): void => {
    (timer = setTimeout(step, ms)).unref?.();
  };
  const now = (): void => {
    if (stopped || immediate) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    immediate = setImmediate(step);
  };
  function step(): void {
    immediate = undefined;
    timer = undefined;
    if (stopped) return;
    const rushing = hurried && k < ready;
    if (busy()) return later(rushing ? 1 : idleMs);
    const quietFor = performance.now() - lastActivity();
    if (!rushing && lastActivity() > 0 && quietFor < idleMs) return later(idleMs - quietFor);
    try {
      compileUncached(ts, warmupCell(k));
      if (k % 8 === 7) for (const s of RUNS) s.runInThisContext();
      void toBundle(VALUES[k % VALUES.length]);
    } catch { /* warm-up only: a failure costs speed, never correctness */ }
    k++;
    onStep?.(k);
    if (k === ready) {
      onReady?.();
      resolve();
    }
    if (k >= steps) {
      stopped = true;
      return;
    }
    // The second phase never keeps a process alive on its own (an in-process notebook run ends):
    // an unref'd timer, since an unref'd immediate would wait for the next I/O event to run.
    if (k < ready) now();
    else later(0);
  }
  if (ready <= 0) resolve();
  if (steps <= 0) return { stop: () => undefined, hurry: () => undefined };
  now();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      resolve();
    },
    hurry(on) {
      hurried = on;
      if (on && k < ready) now();
    },
  };
}

/** An engine's warm-up: see engineWarmup. */
export interface EngineWarmup {
  /** undefined once warm (start the request now), else a promise: the first phase is done or waitMs passed. */
  gate(): Promise<void> | undefined;
  /** Marks a request as running (steps wait) and, with end(), as finished. */
  begin(): void;
  end(): void;
  /** Stops the warm-up (engine shutdown). */
  stop(): void;
}

/**
 * Runs the warm-up for one engine once TypeScript has loaded (`ts` resolves), counting the
 * engine's running requests and the ones on their way (`pendingRequests`) as busy time. Requests
 * the engine holds back through gate() wait for the first phase, at most `waitMs` (default 500:
 * that phase takes ~0.2 s of CPU; on a crowded machine a large first cell waiting a little beats
 * every later cell running on a cold parser); meanwhile the steps run back to back.
 * @example const w = engineWarmup(preloadTypeScript(), { pendingRequests: () => 0 }); await w.gate();
 */
export function engineWarmup(ts: Promise<TypeScript | undefined>, { pendingRequests = () => 0, steps, waitMs = 500, onReady }: { pendingRequests?: () => number; steps?: number; waitMs?: number; onReady?: () => void } = {}): EngineWarmup {
  let active = 0;
  let lastEnd = 0;
  let warm = false;
  let stopped = false;
  let running: Warmup | undefined;
  const started = ts.then((t) => {
    if (!t || stopped) return;
    running = startWarmup(t, { busy: () => active > 0 || pendingRequests() > 0, lastActivity: () => lastEnd, ...(steps !== undefined ? { steps } : {}), onReady });
    void warmedUp().then(() => { warm = true; });
  }, () => undefined);
  const wait = async (): Promise<void> => {
    await started;
    running?.hurry(true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([warmedUp(), new Promise<void>((r) => { timer = setTimeout(r, waitMs); })]);
    clearTimeout(timer);
    running?.hurry(false);
    warm = true;
  };
  return {
    gate: () => (warm ? undefined : wait()),
    begin() { active++; },
    end() { active--; lastEnd = performance.now(); },
    stop() {
      stopped = true;
      running?.stop();
    },
  };
}
