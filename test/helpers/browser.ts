import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type WebSocket } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

// Pages in a real browser: Debian's chromium, driven by playwright-core, never a
// browser download. .ci/run installs chromium and sets CI, where a missing browser
// fails the suite rather than skipping it. Screenshots go to test-results/screenshots/
// (git-ignored) for a person to look at.

const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing; .ci/run installs Debian's chromium before the tests.`);
  console.warn(`Skipping the browser tests: ${CHROMIUM} is not installed (Debian's chromium package).`);
}

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** One Chromium for the file's tests; `browser` is set once it has started. */
export function useChromium(): { browser: Browser } {
  const handle = {} as { browser: Browser };
  beforeAll(async () => {
    if (!chromiumAvailable) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    handle.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await handle.browser?.close();
  });
  return handle;
}

export interface OfflinePage {
  page: Page;
  /** The gateway's requests that failed, page errors and console errors. */
  failures: string[];
  /** Anything the page tried to reach beyond the gateway. */
  blocked: string[];
  /** Every WebSocket the page opened (page.route does not see those). */
  sockets: WebSocket[];
  /** Every frame the page sent on a WebSocket. */
  sent: string[];
}

/**
 * A page that reaches nothing but the gateway at `gatewayUrl` (any other host is cut
 * off, as on a network with no way out), recording what failed and what was blocked.
 */
export async function offlinePage(browser: Browser, gatewayUrl: string): Promise<OfflinePage> {
  const page = await browser.newPage();
  const failures: string[] = [];
  const blocked: string[] = [];
  const sockets: WebSocket[] = [];
  const sent: string[] = [];
  const gateway = new URL(gatewayUrl).host;
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.host === gateway) return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).host === gateway) failures.push(`${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (new URL(response.url()).host === gateway && response.status() >= 400) failures.push(`${response.url()}: HTTP ${response.status()}`);
  });
  page.on('websocket', (socket) => {
    sockets.push(socket);
    if (new URL(socket.url()).host !== gateway) blocked.push(socket.url());
    socket.on('framesent', ({ payload }) => sent.push(String(payload)));
    socket.on('socketerror', (error) => failures.push(`${socket.url()}: ${error}`));
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('ERR_INTERNET_DISCONNECTED')) failures.push(`console: ${message.text()}`);
  });
  return { page, failures, blocked, sockets, sent };
}
