import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';
import { capturedLogger } from '../helpers/logger.js';

// A request whose client has gone away stops waiting for AWS (README, "Security"), so a
// closed browser tab does not hold sockets and memory until AWS answers.

const log = capturedLogger();
const gw = useTestGateway({ DX_MAX_ATTEMPTS: '1', DX_TIMEOUT_MS: '30000' }, { logger: log.logger });

describe('a client that goes away', () => {
  it('makes the gateway stop waiting for the AWS read it caused', async () => {
    await gw.fault({ type: 'latency', latencyMs: 5000, operation: 'DescribeLags' });
    const leaving = new AbortController();
    const started = Date.now();
    const request = fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ lags { lagId } }' }),
      signal: leaving.signal,
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    leaving.abort();
    await request;

    // The gateway's AWS call ends (aborted) long before the 5 s AWS would take.
    let failed: Record<string, any> | undefined;
    while (!failed && Date.now() - started < 4000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      failed = log.lines.find((line) => line.msg === 'AWS Direct Connect call failed' && line.operation === 'DescribeLags');
    }
    expect(failed, 'the DescribeLags call was abandoned').toBeDefined();
    expect(failed!.time - started).toBeLessThan(3000);
    expect(failed!.code).toBe('AWS_UNAVAILABLE');
  });
});
