import { afterAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { sleep } from '../helpers/emulator.js';
import { useTestGateway } from '../helpers/gateway.js';
import { metricValue, subscribe, subscriber, subscriptionsRunning, until, type Events } from '../helpers/subscriptions.js';

// What a watched region costs does not grow with its subscribers (docs/contract.md,
// "Live state"): the emulator's count of AWS calls per poll, with one subscriber and
// with 1,000 over 50 sockets, each event's fields included, on the default read cache.

const INTERVAL_MS = 1000;
const WATCH = `subscription {
  lagChanged(lagId: "dxlag-allow001") {
    lag { lagId connections { connectionId connectionState } virtualInterfaces { virtualInterfaceId bgpPeers { bgpStatus } } }
    changes { field planned current }
  }
}`;

const gw = useTestGateway({ DX_WATCH_INTERVAL_MS: String(INTERVAL_MS), DX_CACHE_TTL_MS: '3000' }, { resetEachTest: false });
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
});

const polls = () => metricValue(gw.url, 'dxgraph_watcher_polls_total', { outcome: 'success' });

/**
 * The AWS calls made over about three intervals in which one member goes down (and
 * every subscriber is sent the event), per poll the watcher made meanwhile.
 */
async function callsPerPoll(feeds: Events[], connectionState: string): Promise<Record<string, number>> {
  const [calls0, polls0] = [await gw.awsCalls(), await polls()];
  const events = feeds.map((feed) => feed.results.length);
  await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState }) });
  await until(() => feeds.every((feed, i) => feed.results.length > events[i]!), 'every subscriber\'s event', 10_000);
  await sleep(INTERVAL_MS * 2);
  const [calls1, polls1] = [await gw.awsCalls(), await polls()];
  const made = polls1 - polls0;
  expect(made).toBeGreaterThanOrEqual(2);
  return Object.fromEntries(
    Object.keys(calls1)
      .filter((operation) => calls1[operation] !== calls0[operation])
      .map((operation) => [operation, (calls1[operation]! - (calls0[operation] ?? 0)) / made]),
  );
}

describe('1,000 subscriptions over 50 sockets on one LAG', () => {
  it('cost the same AWS calls per interval as one, and each gets the event', async () => {
    const first = subscriber(gw.url);
    clients.push(first);
    const one = [subscribe(first, WATCH)];
    await subscriptionsRunning(gw.url, 1);
    await until(async () => (await polls()) >= 1, 'the first poll');
    const withOne = await callsPerPoll(one, 'down');
    expect(withOne).toEqual({ DescribeLags: 1, DescribeVirtualInterfaces: 1 });

    const many: Events[] = [];
    for (let socket = 0; socket < 50; socket += 1) {
      const client = subscriber(gw.url);
      clients.push(client);
      for (let i = 0; i < 20; i += 1) many.push(subscribe(client, WATCH));
    }
    await subscriptionsRunning(gw.url, 1001, 30_000);
    await sleep(INTERVAL_MS);
    const withThousand = await callsPerPoll(many, 'available');
    expect(withThousand).toEqual(withOne);
    for (const feed of many) {
      expect(feed.results.at(-1)!.data.lagChanged.changes).toEqual([{ field: 'connection(dxcon-allow01b).connectionState', planned: 'down', current: 'available' }]);
    }
  }, 90_000);
});
