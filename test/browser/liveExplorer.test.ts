import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable as available, offlinePage as openOfflinePage, SCREENSHOTS, useChromium } from '../helpers/browser.js';
import { useTestGateway } from '../helpers/gateway.js';
import { metricValue, subscriptionsRunning, until } from '../helpers/subscriptions.js';

// A subscription in GraphiQL at /graphiql, in a real browser (docs/contract.md,
// "Live state"): Debian's chromium, driven by playwright-core, never a browser
// download, as in explorer.test.ts. GraphiQL must send the subscription over
// graphql-ws on the page's own origin and show the event a change in AWS (the
// emulator's control, standing in for a port going down) brings. Sent over HTTP
// instead, it would show an error and never the event.

// A poll a second, the least DX_WATCH_INTERVAL_MS allows: the event comes within a few.
const gw = useTestGateway({ DX_WATCH_INTERVAL_MS: '1000' });
const chromium = useChromium();
const offlinePage = () => openOfflinePage(chromium.browser, gw.url);

/** The result pane's whole text: CodeMirror draws only the lines in view, its instance holds them all. */
const resultText = (page: Page) =>
  page
    .locator('.result-window .CodeMirror')
    .evaluate((element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(), undefined, { timeout: 5_000 });

const SUBSCRIPTION = `subscription {
  lagChanged(lagId: "dxlag-allow001") {
    lag { lagId connections { connectionId connectionState } }
    changes { field planned current }
    observedAt
  }
}`;

describe.skipIf(!available)('a subscription in GraphiQL, with no internet', () => {
  it('runs lagChanged over graphql-ws on /graphql and shows the event a member going down brings', async () => {
    const { page, failures, blocked, sockets, sent } = await offlinePage();
    await page.goto(new URL(`/graphiql?query=${encodeURIComponent(SUBSCRIPTION)}`, gw.url).href);
    await expect.poll(() => page.locator('.graphiql-query-editor').textContent(), { timeout: 15_000 }).toContain('lagChanged');

    await page.locator('.graphiql-execute-button').click();
    const expected = new URL('/graphql', gw.url);
    expected.protocol = 'ws:';
    // GraphiQL has sent the subscription on a socket to /graphql (after connection_init and the gateway's ack).
    await expect.poll(() => sent.map((frame) => JSON.parse(frame).type), { timeout: 15_000 }).toContain('subscribe');
    expect(sockets.map((socket) => socket.url())).toEqual([expected.href]);
    expect(JSON.parse(sent.find((frame) => JSON.parse(frame).type === 'subscribe')!).payload.query).toContain('lagChanged');
    // The subscription is live once the gateway runs it (its baseline read) and the region's watcher has polled.
    await subscriptionsRunning(gw.url, 1);
    await until(async () => (await metricValue(gw.url, 'dxgraph_watcher_polls_total')) >= 1, 'the first poll');

    const flipped = await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'down' }),
    });
    expect(flipped.status).toBe(200);

    await expect.poll(() => resultText(page), { timeout: 15_000 }).toContain('dxcon-allow01b).connectionState');
    const result = JSON.parse(await resultText(page));
    expect(result.errors).toBeUndefined();
    const event = result.data.lagChanged;
    expect(event.changes).toContainEqual({ field: 'connection(dxcon-allow01b).connectionState', planned: 'available', current: 'down' });
    expect(event.lag.lagId).toBe('dxlag-allow001');
    // The event's lag is read with the same poll: the member shows the new state (the schema's enum).
    expect(event.lag.connections).toContainEqual({ connectionId: 'dxcon-allow01b', connectionState: 'DOWN' });
    expect(Number.isNaN(Date.parse(event.observedAt))).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-subscription.png'), fullPage: true });

    expect(sockets.map((socket) => socket.url())).toEqual([expected.href]);
    expect(failures).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);
});
