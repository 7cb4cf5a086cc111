import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, launchGateway, type Build, type Launched } from '../helpers/builtGateway.js';

// The log as the audit sink (no AUDIT_LOG_FILE), when whatever reads the gateway's
// stdout goes away: a real `node dist/main.js` whose stdout pipe loses its reader.
// Every later write gets EPIPE; pino's own writer would go quiet and let changes run
// unrecorded. The pinned contract: the log sink counts a write error, a reader gone
// (EPIPE) included, as unwritable: real changes are refused (AuditUnavailable) and
// /readyz answers 503, as for the file.

let build: Build | undefined;
let gateway: Launched | undefined;
let url: string;
let emulatorUrl: string;

beforeAll(async () => {
  build = await buildGateway();
  // No audit setting: the log must be the sink.
  gateway = await launchGateway(build, { LOG_FORMAT: 'json', DX_BACKEND: 'emulator', AUTH_MODE: 'none' });
  ({ url } = gateway);
  emulatorUrl = gateway.emulatorUrl!;
  // The ready line came as JSON on stdout: the log is what is being tested, not a terminal.
  expect(JSON.parse(gateway.output().split('\n').find((line) => line.includes('dxgraph ready'))!)).toMatchObject({ level: 30 });
}, 150_000);

afterAll(async () => {
  await gateway?.kill();
  await build?.remove();
});

const graphql = async (query: string) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: any; errors?: any[] };
};

const DISASSOCIATE = `mutation {
  disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) {
    __typename
    ... on DirectConnectError { code message retryable }
  }
}`;

const mutatingCalls = async () => {
  const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/stats`)).json()) as { requests: Record<string, number> };
  return requests.DisassociateConnectionFromLag ?? 0;
};

describe('node dist/main.js with the log as the audit sink, once its stdout has no reader', () => {
  it('is ready while its stdout is read', async () => {
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(200);
  });

  it('refuses a real change as AuditUnavailable and calls nothing', async () => {
    // The read side of the pipe goes away: every write to the child's stdout now fails with EPIPE.
    gateway!.child.stdout!.destroy();
    await new Promise((done) => setTimeout(done, 100));

    const { data, errors } = await graphql(DISASSOCIATE);
    expect(errors).toBeUndefined();
    expect(data.disassociateConnectionFromLag).toMatchObject({ __typename: 'AuditUnavailable', code: 'AUDIT_UNAVAILABLE', retryable: true });
    expect(data.disassociateConnectionFromLag.message).toContain('EPIPE');
    expect(await mutatingCalls()).toBe(0);
  });

  it('still answers queries, and the LAG kept its member', async () => {
    const { data, errors } = await graphql('{ lag(lagId: "dxlag-allow001") { numberOfConnections connections { connectionId } } }');
    expect(errors).toBeUndefined();
    expect(data.lag.numberOfConnections).toBe(3);
    expect(data.lag.connections.map((c: { connectionId: string }) => c.connectionId)).toContain('dxcon-allow01a');
  });

  it('answers /readyz 503 with a reason naming EPIPE', async () => {
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unready', checks: { audit: { ok: false, reason: 'EPIPE: broken pipe (the log)' } } });
    // The process lives on: refusing is the answer, not crashing.
    expect(gateway!.child.exitCode, gateway!.output()).toBeNull();
  });
});
