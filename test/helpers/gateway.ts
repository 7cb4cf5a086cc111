import { afterAll, beforeAll, beforeEach } from 'vitest';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { start, type Running } from '../../src/start.js';

// End-to-end tests run the same wiring as `npm start` (src/start.ts), on ephemeral
// ports and in production mode, and talk to it over real HTTP.

export interface GraphQLResponse<T = any> {
  status: number;
  body: { data?: T; errors?: Array<{ message: string; path?: unknown[]; locations?: unknown[]; extensions?: Record<string, any> }> };
}

export interface TestGateway extends Running {
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Emulator request counts since the embedded emulator started or the last `reset()`, by AWS operation. */
  awsCalls(): Promise<Record<string, number>>;
  /** Reseeds the emulator, zeroes its counts and clears its faults. */
  reset(): Promise<void>;
  /** Adds an emulator fault rule through its HTTP control route. */
  fault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  /** Has AWS Health announce upcoming maintenance on `resourceIds` (4 hours, starting `inDays` from now); its event ARN. */
  announceMaintenance(resourceIds: string[], options?: { region?: string; inDays?: number }): Promise<string>;
}

export async function startTestGateway(env: Record<string, string> = {}, options: { logger?: Logger; now?: () => number } = {}): Promise<TestGateway> {
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    DX_EMULATOR_PORT: '0',
    DX_EMULATOR_TRANSITION_MS: '300',
    // Tests reseed the emulator behind the gateway's back; the cross-request cache
    // has its own tests (test/unit/cache/, and test/cache/, which turns it on).
    DX_CACHE_TTL_MS: '0',
    ...env,
  });
  const running = await start(config, options.logger ?? pino({ level: 'silent' }), { now: options.now });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.emulatorUrl}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    ...running,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse["body"] };
    },
    async awsCalls() {
      return ((await control('GET', 'stats')) as { requests: Record<string, number> }).requests;
    },
    async reset() {
      await control('POST', 'reset');
    },
    async fault(spec) {
      await control('POST', 'faults', spec);
    },
    async clearFaults() {
      await control('DELETE', 'faults');
    },
    async announceMaintenance(resourceIds, { region = 'us-east-1', inDays = 1 } = {}) {
      const start = new Date(Date.now() + inDays * 86_400_000);
      const end = new Date(start.getTime() + 4 * 3_600_000);
      const body = { region, resourceIds, statusCode: 'upcoming', startTime: start.toISOString(), endTime: end.toISOString() };
      return ((await control('POST', 'maintenance', body)) as { eventArn: string }).eventArn;
    },
  };
}

/**
 * The AWS calls a change's impact makes beyond the LAG and its VIFs on the demo seed
 * (docs/contract.md, "Impact"): the members' traffic (one GetMetricData), the region's
 * maintenance (DescribeEvents, and DescribeAffectedEntities for its one open or
 * upcoming event), the DX gateways, and the associations of each the VIFs reach.
 */
export const impactReads = (dxGatewaysReached: number): Record<string, number> => ({
  GetMetricData: 1,
  DescribeEvents: 1,
  DescribeAffectedEntities: 1,
  DescribeDirectConnectGateways: 1,
  ...(dxGatewaysReached > 0 ? { DescribeDirectConnectGatewayAssociations: dxGatewaysReached } : {}),
});

/** Sum of all AWS calls in a stats snapshot. */
export const totalCalls = (stats: Record<string, number>) => Object.values(stats).reduce((a, b) => a + b, 0);

/**
 * One gateway for a test file: started before its tests, stopped after them and,
 * unless told otherwise, reseeded before each test so tests do not see each other's changes.
 */
export function useTestGateway(
  env: Record<string, string> = {},
  { resetEachTest = true, logger, now }: { resetEachTest?: boolean; logger?: Logger; now?: () => number } = {},
): TestGateway {
  const handle = {} as TestGateway;
  beforeAll(async () => {
    Object.assign(handle, await startTestGateway(env, { logger, now }));
  });
  afterAll(async () => {
    await handle.stop();
  });
  if (resetEachTest) {
    beforeEach(async () => {
      await handle.reset();
    });
  }
  return handle;
}
