import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

// graphql-ws clients for the live-state tests: the library's own client over the
// `ws` package, as a Node frontend would run it, and a raw socket for what a hostile
// client sends that the library never would.

/** A result as the client receives it. */
type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;

export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export function subscriber(httpUrl: string, connectionParams?: Record<string, unknown>): Client {
  // A socket a test closes (or a replica it kills) is no error worth printing.
  return createClient({ url: wsUrl(httpUrl), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams, onNonLazyError: () => undefined });
}

/** A subscription's results as they come, with a way to wait for the next ones. */
export interface Events<T = any> {
  results: Array<ExecutionResult<T>>;
  /** Resolves once `count` results have arrived in all; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<Array<ExecutionResult<T>>>;
  /** Set once the server completed the subscription (or it failed). */
  ended: Promise<unknown>;
  dispose(): void;
}

export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Events<T> {
  const results: Array<ExecutionResult<T>> = [];
  const waiters: Array<() => void> = [];
  let end!: (value: unknown) => void;
  const ended = new Promise((resolve) => (end = resolve));
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        results.push(result);
        for (const wake of waiters.splice(0)) wake();
      },
      error: (error) => end({ error }),
      complete: () => end({ complete: true }),
    },
  );
  return {
    results,
    ended,
    dispose,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} results within ${timeoutMs} ms, got ${results.length}: ${JSON.stringify(results)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results;
    },
  };
}

/** One operation over the socket (a query or a mutation): its one result. */
export function runOnce<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult<T>> {
  return new Promise((resolve, reject) => {
    let result: ExecutionResult<T> | undefined;
    client.subscribe<T>(
      { query, variables },
      { next: (value) => (result = value), error: reject, complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))) },
    );
  });
}

/** The value of a Prometheus series on the gateway's /metrics, summed over matching label sets. */
export async function metricValue(httpUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(new URL('/metrics', httpUrl))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => set.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once the gateway runs at least `count` subscriptions (they have their baseline and are watched). */
export const subscriptionsRunning = (httpUrl: string, count: number, timeoutMs = 10_000) =>
  until(async () => (await metricValue(httpUrl, 'dxgraph_subscriptions')) >= count, `${count} subscriptions running`, timeoutMs);

/** A raw socket on /graphql: what arrives, and how it closed. */
export interface RawSocket {
  socket: WebSocket;
  messages: any[];
  /** The close code and reason, once closed. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
}

export function rawSocket(httpUrl: string, options: { origin?: string; protocol?: string | null; headers?: Record<string, string> } = {}): Promise<RawSocket> {
  const protocol = options.protocol === undefined ? 'graphql-transport-ws' : options.protocol;
  const socket = new WebSocket(wsUrl(httpUrl), protocol === null ? [] : [protocol], { origin: options.origin, headers: options.headers });
  const messages: any[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, closed, send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)) }));
    socket.once('unexpected-response', (_request, response) => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { statusCode: response.statusCode })));
    socket.once('error', reject);
  });
}

export const initMessage = (payload?: Record<string, unknown>) => ({ type: 'connection_init', ...(payload ? { payload } : {}) });
export const subscribeMessage = (id: string, query: string, extra: Record<string, unknown> = {}) => ({ id, type: 'subscribe', payload: { query, ...extra } });

/** A raw socket that has been acknowledged. */
export async function acknowledged(url: string, payload?: Record<string, unknown>, options: { origin?: string } = {}): Promise<RawSocket> {
  const raw = await rawSocket(url, options);
  raw.send(initMessage(payload));
  await until(() => raw.messages.some((message) => message.type === 'connection_ack'), 'connection_ack');
  return raw;
}

/** How the gateway closed the socket, if it did within `withinMs`; undefined if it did not (the socket is then left open). */
export const serverClosed = (raw: RawSocket, withinMs: number): Promise<{ code: number; reason: string } | undefined> =>
  Promise.race([raw.closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), withinMs))]);
