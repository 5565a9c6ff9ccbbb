/**
 * How library code shows things: through the kernel's display hook when running in a notebook,
 * otherwise not at all (callers fall back to the terminal).
 *
 * The flowlab kernel installs `globalThis[Symbol.for('flowlab.display')]` with the shape below.
 * Any kernel can: objects also display themselves through `[Symbol.for('Jupyter.display')]()`.
 */
export type MimeBundle = Record<string, unknown>;

/** The hook the kernel installs. `update: true` replaces the output with that display id. */
export interface DisplayHook {
  display(bundle: MimeBundle, options?: { id?: string; update?: boolean; metadata?: Record<string, unknown> }): void;
  clearOutput(options?: { wait?: boolean }): void;
}

const HOOK = Symbol.for('flowlab.display');

/** The kernel's display hook, or undefined outside a flowlab notebook. */
export function displayHook(): DisplayHook | undefined {
  const hook = (globalThis as Record<symbol, unknown>)[HOOK];
  return hook && typeof hook === 'object' ? (hook as DisplayHook) : undefined;
}

/** True when running inside a notebook kernel that can show rich output. */
export function inNotebook(): boolean {
  return displayHook() !== undefined;
}

/** The display protocol symbol (Deno's and flowlab's): `obj[JUPYTER_DISPLAY]()` returns a MIME bundle. */
export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');
