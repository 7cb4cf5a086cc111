import type { TrafficService } from '../../src/aws/cloudWatch.js';
import type { Live } from '../../src/live/live.js';
import type { MaintenanceService } from '../../src/aws/health.js';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createGateway, type Gateway } from '../../src/server.js';
import type { DirectConnectService } from '../../src/aws/directConnect.js';
import { ANONYMOUS } from '../../src/auth/roles.js';
import { createPlans } from '../../src/changes/plan.js';
import { createMemoryGuards } from '../../src/coordination/memoryGuards.js';
import { MemoryHistory } from '../../src/audit/history.js';
import { changeTiming } from '../../src/audit/timing.js';
import { createMetrics } from '../../src/metrics.js';

// An unexpected failure inside the gateway (here: a backend answer of the wrong
// shape) must not leak internals in production, and must be traceable in the log
// (docs/contract.md, "Errors": INTERNAL_SERVER_ERROR).

const broken = {
  describeLags: async () => [{ lagId: 'dxlag-abcdefgh', region: 'us-east-1', connections: 42 }],
} as unknown as DirectConnectService;

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function serve(production: boolean) {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  gateway = await createGateway(
    {
      defaultRegion: 'us-east-1',
      regions: ['us-east-1'],
      introspection: false,
      production,
      corsOrigins: [],
      bodyLimitBytes: 10_000,
      batching: true,
      executor: 'jit',
      tracing: false,
      responseCacheMaxBytes: 0,
      planRequiredFor: [],
    },
    {
      directConnect: broken,
      traffic: {} as TrafficService,
      maintenance: {} as MaintenanceService,
      live: {} as Live,
      logger: pino(sink),
      authenticate: async () => ANONYMOUS,
      audit: {
        record: async () => {},
        intent: async () => 'unused',
        healthy: () => ({ ok: true }),
        recheck: async () => ({ ok: true }),
        history: new MemoryHistory(),
        timing: changeTiming({ timeoutMs: 10_000, maxAttempts: 3 }, 10_000),
        settle: async () => false,
        close: async () => {},
      },
      metrics: createMetrics(),
      plans: createPlans(),
      guards: createMemoryGuards(),
    },
  );
  const url = await gateway.listen(0, '127.0.0.1');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ lags { lagId connections { connectionId } } }' }),
  });
  return { body: (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> }, lines };
}

describe('unexpected errors', () => {
  it('are masked in production as INTERNAL_SERVER_ERROR with a correlation ID that the log also carries', async () => {
    const { body, lines } = await serve(true);
    const [error] = body.errors;
    expect(error?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error?.extensions.stacktrace).toBeUndefined();
    expect(error?.message).not.toMatch(/iterable/i);
    const correlationId = error?.extensions.correlationId as string;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error?.message).toContain(correlationId);
    const logged = lines.find((line) => line.correlationId === correlationId);
    expect(logged?.err?.message).toMatch(/iterable/i);
  });

  it('keep their message outside production, still with a code and correlation ID', async () => {
    const { body } = await serve(false);
    expect(body.errors[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(body.errors[0]?.message).toMatch(/iterable/i);
  });
});
