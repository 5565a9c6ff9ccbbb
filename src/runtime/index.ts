/** Cross-cutting runtime hooks shared by every library folder and the kernel. */
export { InterruptError, interruptRequested, throwIfInterrupted } from './interrupt.js';
export { displayHook, inNotebook, JUPYTER_DISPLAY, type DisplayHook, type MimeBundle } from './display.js';
