import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable as available, offlinePage as openOfflinePage, SCREENSHOTS, useChromium } from '../helpers/browser.js';
import { useTestGateway } from '../helpers/gateway.js';

// The explorers in a real browser (docs/contract.md, "Routes"): Debian's chromium,
// driven by playwright-core, never a browser download. /graphiql must work with no
// internet; /graphql must end on a working explorer when Apollo's CDN cannot be
// reached. Screenshots go to test-results/screenshots/ (git-ignored) for a person to
// look at. .ci/run installs chromium and sets CI, where a missing browser fails.

const gw = useTestGateway({}, { resetEachTest: false });
const chromium = useChromium();
const offlinePage = () => openOfflinePage(chromium.browser, gw.url);

describe.skipIf(!available)('the explorers in Chromium, with no internet', () => {
  it('GraphiQL at /graphiql takes ?query=, runs it with the run button and shows the data', async () => {
    const { page, failures, blocked } = await offlinePage();
    const query = '{ lag(lagId: "dxlag-allow001") { lagId numberOfConnections } }';
    await page.goto(new URL(`/graphiql?query=${encodeURIComponent(query)}`, gw.url).href);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('dxlag-allow001');
    expect(await result.textContent()).toContain('"numberOfConnections": 3');
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql.png'), fullPage: true });
    expect(failures).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);

  it('?query= fills the editor on a later visit too, though GraphiQL keeps its tabs in the browser', async () => {
    const { page, failures } = await offlinePage();
    await page.goto(new URL(`/graphiql?query=${encodeURIComponent('{ lags { lagId } }')}`, gw.url).href);
    await expect.poll(() => page.locator('.graphiql-query-editor').textContent(), { timeout: 15_000 }).toContain('lagId');
    await page.goto(new URL(`/graphiql?query=${encodeURIComponent('{ interconnects { interconnectId } }')}`, gw.url).href);
    await expect.poll(() => page.locator('.graphiql-query-editor').textContent(), { timeout: 15_000 }).toContain('interconnectId');
    expect(failures).toEqual([]);
    await page.close();
  }, 60_000);

  it("GraphiQL's docs explorer shows the schema's descriptions", async () => {
    const { page, failures } = await offlinePage();
    await page.goto(new URL('/graphiql', gw.url).href);
    await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
    await page.getByText('Query', { exact: true }).first().click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').textContent(), { timeout: 15_000 }).toContain('Every LAG in a region');
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-docs.png'), fullPage: true });
    expect(failures).toEqual([]);
    await page.close();
  }, 60_000);

  it('/graphql, when Apollo Sandbox cannot load, ends on a working GraphiQL on the same page', async () => {
    const { page, failures, blocked } = await offlinePage();
    await page.goto(gw.url);
    await expect.poll(() => page.locator('#note').textContent(), { timeout: 15_000 }).toContain('Apollo Sandbox could not be loaded');
    expect(page.url()).toBe(gw.url);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 15_000 }).toContain('dxlag-allow001');
    await page.screenshot({ path: join(SCREENSHOTS, 'graphql-offline.png'), fullPage: true });
    expect(blocked.every((url) => url.startsWith('https://embeddable-sandbox.cdn.apollographql.com/'))).toBe(true);
    expect(blocked.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    await page.close();
  }, 60_000);
});
