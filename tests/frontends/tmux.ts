/**
 * A terminal program under tmux, driven as a person at a keyboard: `type` sends literal text,
 * `press` sends named keys (Enter, Tab, C-c), `screen` reads what the pane shows (capture-pane),
 * `waitFor` polls the screen for a condition. Each session gets its own tmux server (a socket in
 * a temp dir), so nothing touches the user's tmux.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './env.js';

/** A program running in a private tmux server. */
export class TmuxSession {
  private readonly socket: string;

  /**
   * Starts `command` (argv) in a detached `width`×`height` pane; `env` is the environment of
   * the tmux server and so of the program.
   */
  constructor(dir: string, command: string[], { env = process.env, width = 150, height = 45, cwd }: { env?: NodeJS.ProcessEnv; width?: number; height?: number; cwd?: string } = {}) {
    this.socket = join(dir, 'tmux.sock');
    const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // remain-on-exit keeps the pane (and what the program printed last) after it exits.
    this.tmux(['-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(width), '-y', String(height), ...(cwd ? ['-c', cwd] : []), quoted], env);
    this.tmux(['set-option', '-t', 'main', 'remain-on-exit', 'on'], env);
  }

  private tmux(args: string[], env: NodeJS.ProcessEnv = process.env): string {
    const r = spawnSync('tmux', ['-S', this.socket, ...args], { env: { ...env, TMUX: '' }, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Types `text` literally (no key names interpreted). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'main', '-l', text]);
  }

  /** Presses keys by tmux name: 'Enter', 'Tab', 'C-c', 'C-d', 'Escape'... */
  press(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'main', ...keys]);
  }

  /** The pane's visible text plus its scroll-back (lines joined where they wrapped). */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', 'main']);
  }

  /** Whether the program in the pane has exited. */
  exited(): boolean {
    return this.tmux(['display-message', '-p', '-t', 'main', '#{pane_dead}']).trim() === '1';
  }

  /** Polls the screen until `test` holds; returns the screen then. */
  waitScreen(what: string, test: (screen: string) => boolean, timeoutMs = 60_000): Promise<string> {
    return waitFor(what, () => { const s = this.screen(); return test(s) ? s : undefined; }, { timeoutMs, intervalMs: 100, last: () => this.screen() });
  }

  /** Ends the tmux server (and the program, if still running). */
  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { encoding: 'utf8', timeout: 10_000 });
  }
}
