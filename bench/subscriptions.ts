import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Findings } from './configRun.js';
import { fromMetrics } from './memory.js';
import { median } from './stats.js';

// Issue 14's live-state figures on the shipped gateway: what a subscription costs in
// memory, and how long a change takes to reach the last of 1,000 subscribers (50
// sockets of 20), made through the gateway (the watcher is nudged at once) and made
// elsewhere (the emulator's control: the watcher sees it at its next poll).

export interface SubscriptionsResult {
  subscriptions: number;
  sockets: number;
  lagId: string;
  /** Heap used and RSS the 1,000 subscriptions added, per subscription. */
  heapPerSubscriptionKb: number;
  rssPerSubscriptionKb: number;
  /** From the mutation's answer to the last subscriber's event, per trial. */
  throughGatewayMs: number[];
  /** From the emulator's control answering to the last subscriber's event, per trial: up to one DX_WATCH_INTERVAL_MS plus a read. */
  elsewhereMs: number[];
  watchIntervalMs: number;
}

const SOCKETS = 50;
const PER_SOCKET = 20;

interface Feed {
  events: number;
}

async function post(url: string, query: string): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return response.json();
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Memory as the gateway reports it, the median of three reads a second apart (a GC may land in one). */
async function memory(baseUrl: string): Promise<{ rss: number; heapUsed: number }> {
  const reads: Array<{ rss: number; heapUsed: number }> = [];
  for (let i = 0; i < 3; i += 1) {
    const read = await fromMetrics(baseUrl);
    if (!read?.heapUsed) throw new Error('the gateway reports no heap on /metrics');
    reads.push({ rss: read.rss, heapUsed: read.heapUsed });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { rss: median(reads.map((r) => r.rss)), heapUsed: median(reads.map((r) => r.heapUsed)) };
}

export async function measureSubscriptions(graphqlUrl: string, emulatorUrl: string, watchIntervalMs: number, findings: Findings, trials = 5): Promise<SubscriptionsResult> {
  const baseUrl = new URL('/', graphqlUrl).href.replace(/\/$/, '');
  // A LAG whose minimumLinks can go between 0 and 1 and back without any warning: two available members or more.
  const { data } = await post(graphqlUrl, '{ lags { lagId minimumLinks connections { connectionId connectionState } } }');
  const lag = (data.lags as Array<{ lagId: string; minimumLinks: number; connections: Array<{ connectionId: string; connectionState: string }> }>).find(
    (l) => l.minimumLinks <= 1 && l.connections.filter((c) => c.connectionState === 'AVAILABLE').length >= 2,
  );
  if (!lag) throw new Error('the seed has no LAG with two available members and minimumLinks of 1 at most');
  const member = lag.connections.find((c) => c.connectionState === 'AVAILABLE')!.connectionId;

  const before = await memory(baseUrl);
  const clients: Client[] = [];
  const feeds: Feed[] = [];
  try {
    for (let s = 0; s < SOCKETS; s += 1) {
      const client = createClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
      clients.push(client);
      for (let i = 0; i < PER_SOCKET; i += 1) {
        const feed: Feed = { events: 0 };
        feeds.push(feed);
        client.subscribe(
          { query: `subscription { lagChanged(lagId: "${lag.lagId}") { lag { lagId minimumLinks } changes { field planned current } observedAt } }` },
          { next: () => (feed.events += 1), error: (error) => findings.problems.push(`subscriptions: a subscription failed: ${JSON.stringify(error).slice(0, 200)}`), complete: () => undefined },
        );
      }
    }
    const running = async () => {
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('dxgraph_subscriptions{'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    };
    await until(async () => (await running()) >= feeds.length, `${feeds.length} subscriptions`, 60_000);
    const after = await memory(baseUrl);

    /** Makes a change, then waits for every feed's next event: ms from `changed` resolving to the last. */
    const lastEventAfter = async (change: () => Promise<void>, timeoutMs: number) => {
      const seen = feeds.map((feed) => feed.events);
      await change();
      const changedAt = performance.now();
      await until(() => feeds.every((feed, i) => feed.events > seen[i]!), 'every subscriber\'s event', timeoutMs);
      return performance.now() - changedAt;
    };
    let minimumLinks = lag.minimumLinks;
    const throughGateway: number[] = [];
    for (let trial = 0; trial < trials; trial += 1) {
      minimumLinks = minimumLinks === 0 ? 1 : 0;
      const next = minimumLinks;
      throughGateway.push(
        await lastEventAfter(async () => {
          const answer = await post(
            graphqlUrl,
            `mutation { updateLagMinimumLinks(input: { lagId: "${lag.lagId}", minimumLinks: ${next} }) { __typename ... on DirectConnectError { code message } } }`,
          );
          if (answer.data?.updateLagMinimumLinks?.__typename !== 'UpdateLagMinimumLinksSuccess') throw new Error(`updateLagMinimumLinks: ${JSON.stringify(answer).slice(0, 300)}`);
        }, 10_000),
      );
    }
    const elsewhere: number[] = [];
    for (let trial = 0; trial < Math.min(trials, 3); trial += 1) {
      const state = trial % 2 === 0 ? 'down' : 'available';
      elsewhere.push(
        await lastEventAfter(async () => {
          const response = await fetch(`${emulatorUrl}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId: member, connectionState: state }) });
          if (!response.ok) throw new Error(`the emulator's connection-state control answered ${response.status}`);
        }, watchIntervalMs * 2 + 10_000),
      );
    }
    if (elsewhere.length % 2 === 1) {
      await fetch(`${emulatorUrl}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId: member, connectionState: 'available' }) });
    }
    return {
      subscriptions: feeds.length,
      sockets: SOCKETS,
      lagId: lag.lagId,
      heapPerSubscriptionKb: (after.heapUsed - before.heapUsed) / feeds.length / 1024,
      rssPerSubscriptionKb: (after.rss - before.rss) / feeds.length / 1024,
      throughGatewayMs: throughGateway,
      elsewhereMs: elsewhere,
      watchIntervalMs,
    };
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
  }
}

export function formatSubscriptions(result: SubscriptionsResult): string {
  const ms = (values: number[]) => `median ${median(values).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;
  return [
    `  ${result.subscriptions} subscriptions over ${result.sockets} sockets on ${result.lagId}: ${result.heapPerSubscriptionKb.toFixed(1)} kB of heap and ${result.rssPerSubscriptionKb.toFixed(1)} kB of RSS each (${((result.heapPerSubscriptionKb * result.subscriptions) / 1024).toFixed(1)} MB of heap in all)`,
    `  a change through the gateway (updateLagMinimumLinks answered) to the last subscriber's event: ${ms(result.throughGatewayMs)}`,
    `  a change elsewhere (the emulator's control) to the last subscriber's event, DX_WATCH_INTERVAL_MS=${result.watchIntervalMs}: ${ms(result.elsewhereMs)}`,
  ].join('\n');
}
