import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { buildGateway, launchGateway, until, type Build, type Launched } from '../helpers/builtGateway.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';

// A replica killed (SIGKILL) while AWS holds its mutating calls open: one change AWS
// then makes, one AWS fails. The restarted replica settles both intents from AWS's
// state (APPLIED_PER_AWS, NOT_APPLIED_PER_AWS) once their deadline passes, and a
// retry of each clientRequestId behaves as the record says: the applied change is
// answered from the record without calling AWS, the other runs.
//
// The emulator runs in this process, so it outlives the gateway, as AWS does. With
// DX_TIMEOUT_MS=1000 and DX_MAX_ATTEMPTS=1 an intent's deadline is 31 s after it
// (docs/change-record.md): the restarted replica settles at that deadline.

let build: Build | undefined;
let emulator: Emulator;
let endpoint: string;
let pg: PostgresServer | undefined;
let env: Record<string, string>;
let gateway: Launched | undefined;

const DISASSOCIATE = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'crash-applied' };
const UPDATE = { lagId: 'dxlag-minlink01', minimumLinks: 1, clientRequestId: 'crash-not-applied' };
const MUTATIONS = `
mutation($cut: DisassociateConnectionFromLagInput!) {
  disassociateConnectionFromLag(input: $cut) {
    __typename
    ... on RecordedChange { replayed message change { id status clientRequestId } }
    ... on DirectConnectError { code message }
  }
}`;
const UPDATE_MUTATION = `
mutation($update: UpdateLagMinimumLinksInput!) {
  updateLagMinimumLinks(input: $update) {
    __typename
    ... on UpdateLagMinimumLinksSuccess { replayed lag { minimumLinks } }
    ... on RecordedChange { change { status } }
    ... on DirectConnectError { code message }
  }
}`;
const CHANGES = `{ changes { edges { node { id operation clientRequestId status outcome requestedAt completedAt } } } }`;

beforeAll(async () => {
  if (!postgresAvailable) return;
  emulator = createEmulator({ seed: 'demo', transitionMs: 0 });
  endpoint = await emulator.listen(0);
  pg = await startPostgres();
  build = await buildGateway();
  env = {
    DX_BACKEND: 'aws',
    DX_ENDPOINT: endpoint,
    AUTH_MODE: 'none',
    AUDIT_DATABASE_URL: await pg.createDatabase('crash'),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    DX_REGIONS: 'us-east-1,eu-west-1',
    DX_TIMEOUT_MS: '1000',
    DX_MAX_ATTEMPTS: '1',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'debug',
  };
}, 150_000);

afterAll(async () => {
  await gateway?.kill();
  await emulator?.close();
  await pg?.destroy();
  await build?.remove();
});

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(gateway!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
}
const control = async (method: string, path: string, body?: unknown) =>
  (await fetch(`${endpoint}/_emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<any>;
const awsCalls = async (): Promise<Record<string, number>> => (await control('GET', 'stats')).requests;

describe.skipIf(!postgresAvailable)('a replica killed while AWS holds its changes open', () => {
  it('is settled from AWS after its restart, and a retried clientRequestId answers from the record or runs', async () => {
    gateway = await launchGateway(build!, env);
    // AWS takes both calls and answers 2.5 s later: the disassociation it then makes; the update it fails.
    await control('POST', 'faults', { type: 'latency', operation: 'DisassociateConnectionFromLag', latencyMs: 2500, count: 1 });
    await control('POST', 'faults', { type: 'latency', operation: 'UpdateLag', latencyMs: 2500, count: 1 });
    await control('POST', 'faults', { type: 'server-error', operation: 'UpdateLag', count: 1 });

    const answers = [post(MUTATIONS, { cut: DISASSOCIATE }).catch((error: unknown) => error), post(UPDATE_MUTATION, { update: UPDATE }).catch((error: unknown) => error)];
    await until('both mutating calls at AWS', async () => {
      const calls = await awsCalls();
      return calls.DisassociateConnectionFromLag === 1 && calls.UpdateLag === 1 ? true : undefined;
    });
    expect(await gateway.kill()).toBe('SIGKILL');
    for (const answer of await Promise.all(answers)) expect(answer).toBeInstanceOf(Error);

    // AWS finishes what it was doing (2.5 s): the connection leaves the LAG; the LAG keeps minimumLinks 2.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    gateway = await launchGateway(build!, env);
    const pending = (await post(CHANGES)).data.changes.edges.map((edge: any) => edge.node);
    expect(pending.map((change: any) => change.status)).toEqual(['PENDING', 'PENDING']);

    const settled = await until(
      'both changes settled by reconciliation',
      async () => {
        const nodes = (await post(CHANGES)).data.changes.edges.map((edge: any) => edge.node);
        return nodes.every((change: any) => change.status !== 'PENDING') ? nodes : undefined;
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; the gateway said:\n${gateway!.output().split('\n').filter((line) => !line.includes('request completed')).join('\n').slice(-8000)}`);
    });
    const byId = Object.fromEntries(settled.map((change: any) => [change.clientRequestId, change]));
    expect(byId[DISASSOCIATE.clientRequestId]).toMatchObject({ operation: 'disassociateConnectionFromLag', status: 'APPLIED_PER_AWS', outcome: 'APPLIED_PER_AWS', completedAt: expect.any(String) });
    expect(byId[UPDATE.clientRequestId]).toMatchObject({ operation: 'updateLagMinimumLinks', status: 'NOT_APPLIED_PER_AWS', outcome: 'NOT_APPLIED_PER_AWS' });
    // Settled at the deadline, not before: the attempt could still have been sending until then.
    for (const change of settled) expect(Date.parse(change.completedAt) - Date.parse(change.requestedAt)).toBeGreaterThanOrEqual(31_000);
    expect(gateway.output()).toContain('settled a change its replica never finished');

    // The applied change, retried: answered from the record, and AWS is not asked again.
    const before = await awsCalls();
    const retried = await post(MUTATIONS, { cut: DISASSOCIATE });
    expect(retried.data.disassociateConnectionFromLag).toMatchObject({
      __typename: 'RecordedChange',
      replayed: true,
      change: { id: byId[DISASSOCIATE.clientRequestId].id, status: 'APPLIED_PER_AWS', clientRequestId: DISASSOCIATE.clientRequestId },
    });
    expect((await awsCalls()).DisassociateConnectionFromLag).toBe(before.DisassociateConnectionFromLag);

    // The one AWS did not make, retried: it runs, now that AWS answers.
    const ran = await post(UPDATE_MUTATION, { update: UPDATE });
    expect(ran.data.updateLagMinimumLinks).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: false, lag: { minimumLinks: 1 } });
    expect((await awsCalls()).UpdateLag).toBe((before.UpdateLag ?? 0) + 1);

    // The record: the retry that ran is a change of its own; the one answered from the record is not.
    const after = (await post(CHANGES)).data.changes.edges.map((edge: any) => [edge.node.clientRequestId, edge.node.status]);
    expect(after).toEqual([
      [UPDATE.clientRequestId, 'SUCCEEDED'],
      ...settled.map((change: any) => [change.clientRequestId, change.status]),
    ]);
  }, 150_000);
});
