import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { HealthClient } from '@aws-sdk/client-health';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

/**
 * Starts one emulator per test file on an ephemeral port, reseeded before each
 * test, and hands out real SDK clients pointed at it.
 */
export interface Harness {
  readonly emulator: Emulator;
  readonly url: string;
  client(region?: string, options?: { maxAttempts?: number }): DirectConnectClient;
  /** The pinned CloudWatch client: AWS JSON 1.0, query-compatible. */
  cloudWatch(region?: string, options?: { maxAttempts?: number }): CloudWatchClient;
  /** The pinned Health client: AWS JSON 1.1. Health's endpoint is us-east-1's. */
  health(region?: string, options?: { maxAttempts?: number }): HealthClient;
  /** A raw AWS JSON call with fetch, for what the SDK hides. */
  call(operation: string, body?: unknown, init?: { region?: string; headers?: Record<string, string> }): Promise<Response>;
  control(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
}

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function useEmulator(options: EmulatorOptions = {}): Harness {
  let emulator: Emulator | undefined;
  let url = '';
  const clients: { destroy(): void }[] = [];
  /** Request IDs of every answer the SDK clients received, checked after each test. */
  let requestIds: unknown[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ transitionMs: 300, ...options });
    url = await emulator.listen(0);
  });
  beforeEach(() => emulator?.reset());
  afterEach(() => {
    for (const id of requestIds) expect(id, 'every answer carries an x-amzn-RequestId UUID').toMatch(UUID);
    requestIds = [];
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await emulator?.close();
  });

  /** Keeps the client for afterAll and records the request ID of every answer it receives. */
  function recorded<C extends DirectConnectClient | CloudWatchClient | HealthClient>(client: C): C {
    // Sits inside the SDK's deserializer, so it sees error answers too.
    (client.middlewareStack as DirectConnectClient['middlewareStack']).add(
      (next) => async (args) => {
        const result = await next(args);
        const { headers } = result.response as { headers: Record<string, string> };
        requestIds.push(headers['x-amzn-requestid']);
        return result;
      },
      { step: 'deserialize', priority: 'low', name: 'recordRequestId' },
    );
    clients.push(client);
    return client;
  }

  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in beforeAll');
      return emulator;
    },
    get url() {
      return url;
    },
    client(region = 'us-east-1', { maxAttempts = 3 } = {}) {
      return recorded(new DirectConnectClient({ endpoint: url, region, credentials: CREDENTIALS, maxAttempts }));
    },
    cloudWatch(region = 'us-east-1', { maxAttempts = 3 } = {}) {
      return recorded(new CloudWatchClient({ endpoint: url, region, credentials: CREDENTIALS, maxAttempts }));
    },
    health(region = 'us-east-1', { maxAttempts = 3 } = {}) {
      return recorded(new HealthClient({ endpoint: url, region, credentials: CREDENTIALS, maxAttempts }));
    },
    call(operation, body = {}, { region = 'us-east-1', headers = {} } = {}) {
      return fetch(`${url}/`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `OvertureService.${operation}`,
          Authorization: `AWS4-HMAC-SHA256 Credential=test/20261125/${region}/directconnect/aws4_request, SignedHeaders=host, Signature=00`,
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    control(path, { method = 'GET', body } = {}) {
      return fetch(`${url}/_emulator/${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
  };
}

/** Awaits a call that must fail with AWS's client exception and the given message. */
export async function expectClientError(call: Promise<unknown>, message: string | RegExp): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as { name: string; message: string; $metadata?: { httpStatusCode?: number } },
  );
  expect(error, 'the call should have failed').toBeDefined();
  expect(error?.name).toBe('DirectConnectClientException');
  expect(error?.$metadata?.httpStatusCode).toBe(400);
  if (typeof message === 'string') expect(error?.message).toBe(message);
  else expect(error?.message).toMatch(message);
}

/** Awaits a rejected call and returns what it threw. */
export async function caught(call: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('the call should have failed');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A MetricDataQuery for an AWS/DX metric, as the SDK and the CLIs take it. */
export function dxMetricQuery(
  id: string,
  metricName: string,
  dimensions: Record<string, string>,
  { period = 60, stat = 'Average' }: { period?: number; stat?: string } = {},
) {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/DX', MetricName: metricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
      Period: period,
      Stat: stat,
    },
  };
}

/** The demo seed's pinned Direct Connect gateways. */
export const DX_TRANSIT = '5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37';
export const DX_PRIVATE = '9c2d7b14-6e8a-4f03-b5d1-7a9e3c6f2b80';
