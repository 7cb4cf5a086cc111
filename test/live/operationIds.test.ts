import { describe, expect, it } from 'vitest';
import { MAX_OPERATIONS_RUNNING, MAX_OPERATIONS_WAITING, MAX_SUBSCRIPTIONS_PER_SOCKET } from '../../src/http/websocket.js';
import { sleep } from '../helpers/emulator.js';
import { useTestGateway } from '../helpers/gateway.js';
import { acknowledged, metricValue, serverClosed, subscribeMessage, until } from '../helpers/subscriptions.js';

// An operation ID the client reuses (docs/contract.md, "Limits and close codes"):
// graphql-ws forgets an ID once the client completes it, though the operation may
// still be reading AWS. The gateway keeps its own record of each operation until it
// really ends, so a reused ID cannot slip past the socket's limits or leave a feed
// running: one reused while its operation is in flight closes the socket with 4409,
// as graphql-ws itself does for an ID in use.

const INTERVAL_MS = 1000;
/** Every AWS read takes this long: a subscription reads its baseline, a query its answer, for that long. */
const LATENCY_MS = 300;
const LAG_WATCH = 'subscription { lagChanged(lagId: "dxlag-allow001") { changes { field planned current } } }';
const IN_USE = (id: string) => ({ code: 4409, reason: `Subscriber for ${id} already exists` });

const gw = useTestGateway({ DX_WATCH_INTERVAL_MS: String(INTERVAL_MS), DX_EMULATOR_LATENCY_MS: String(LATENCY_MS) });
const subscriptions = () => metricValue(gw.url, 'dxgraph_subscriptions');

describe('an operation ID reused while its operation is in flight', () => {
  it('closes the socket with 4409, and once it is closed nothing is left subscribed or polled', async () => {
    const raw = await acknowledged(gw.url);
    raw.send(subscribeMessage('a', LAG_WATCH));
    raw.send({ id: 'a', type: 'complete' });
    raw.send(subscribeMessage('a', LAG_WATCH));
    const closed = await serverClosed(raw, 5 * LATENCY_MS);
    raw.socket.close();
    await until(async () => (await metricValue(gw.url, 'dxgraph_websocket_sockets')) === 0, 'the socket to close');
    await until(async () => (await subscriptions()) === 0, 'no subscription left on the closed socket', 5 * LATENCY_MS + INTERVAL_MS);
    expect(closed).toEqual(IN_USE('a'));
    // The region's watcher has stopped: nothing more is read.
    await sleep(INTERVAL_MS + LATENCY_MS);
    const idle = await gw.awsCalls();
    await sleep(INTERVAL_MS * 2.5);
    expect(await gw.awsCalls()).toEqual(idle);
  });

  it('cannot carry more subscriptions than the socket\'s limit', async () => {
    const raw = await acknowledged(gw.url);
    for (let i = 0; i < 3 * MAX_SUBSCRIPTIONS_PER_SOCKET; i += 1) {
      raw.send(subscribeMessage(`s${i}`, LAG_WATCH));
      raw.send({ id: `s${i}`, type: 'complete' });
      raw.send(subscribeMessage(`s${i}`, LAG_WATCH));
    }
    // Long enough for every baseline to have been read, had they all been let in.
    const closed = await serverClosed(raw, 10 * LATENCY_MS);
    const running = await subscriptions();
    raw.socket.close();
    expect(running).toBeLessThanOrEqual(MAX_SUBSCRIPTIONS_PER_SOCKET);
    expect(closed).toEqual(IN_USE('s0'));
    await until(async () => (await subscriptions()) === 0, 'no subscription left on the closed socket');
  });

  it('cannot run more queries at once than the socket\'s turns and queue allow', async () => {
    const raw = await acknowledged(gw.url);
    const before = (await gw.awsCalls()).DescribeLags ?? 0;
    for (let i = 0; i < 300; i += 1) {
      raw.send(subscribeMessage('q', '{ lags { lagId } }'));
      raw.send({ id: 'q', type: 'complete' });
    }
    const closed = await serverClosed(raw, 10 * LATENCY_MS);
    raw.socket.close();
    // Whatever was let in has read AWS by now.
    await sleep(3 * LATENCY_MS);
    expect((await gw.awsCalls()).DescribeLags ?? 0).toBeLessThanOrEqual(before + MAX_OPERATIONS_RUNNING + MAX_OPERATIONS_WAITING);
    expect(closed).toEqual(IN_USE('q'));
  });
});

describe('an operation ID reused once its operation has ended', () => {
  it('runs again: a client may number its operations as it likes', async () => {
    const raw = await acknowledged(gw.url);
    for (let round = 1; round <= 2; round += 1) {
      raw.send(subscribeMessage('q', '{ lag(lagId: "dxlag-allow001") { lagId } }'));
      await until(() => raw.messages.filter((message) => message.id === 'q' && message.type === 'complete').length === round, `answer ${round}`);
    }
    expect(raw.messages.filter((message) => message.id === 'q')).toEqual([
      { id: 'q', type: 'next', payload: { data: { lag: { lagId: 'dxlag-allow001' } } } },
      { id: 'q', type: 'complete' },
      { id: 'q', type: 'next', payload: { data: { lag: { lagId: 'dxlag-allow001' } } } },
      { id: 'q', type: 'complete' },
    ]);
    raw.socket.close();
  });
});
