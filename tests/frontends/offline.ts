/**
 * A browser context that is offline except for 127.0.0.1: every request elsewhere (a CDN, a font
 * service, an update check) is refused and recorded, so a test can assert that a page (a notebook
 * and its figures, plotly.js included) worked with what the local server sent alone.
 */
import type { Browser, BrowserContext } from 'playwright-core';

/** The context and the list of refused URLs (empty when the page stayed local). */
export async function offlineContext(browser: Browser, { width = 1200, height = 900 } = {}): Promise<{ context: BrowserContext; external: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    external.push(url.href);
    return route.abort();
  });
  return { context, external };
}
