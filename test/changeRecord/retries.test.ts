import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { until } from '../helpers/builtGateway.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';

// A clientRequestId retried on a replica that did not see its earlier attempts (it
// restarted; another replica made them): the change record answers, weighing every
// earlier change with the ID (docs/change-record.md, "A retried clientRequestId").
// Each case ran twice before: a later refusal hid an earlier success; a retry that
// reused the first request's x-request-id skipped its record; an input spelt another
// way (a default written out) was refused as another change; and a call whose answer
// was lost read as failed, so its retry ran again. The emulator outlives the
// gateways, as AWS does.

const UPDATE = `mutation($input: UpdateLagMinimumLinksInput!) { updateLagMinimumLinks(input: $input) {
  __typename
  ... on UpdateLagMinimumLinksSuccess { replayed }
  ... on RecordedChange { replayed change { id status outcome } }
  ... on DirectConnectError { code message }
} }`;
const START = `mutation($input: StartBgpFailoverTestInput!) { startBgpFailoverTest(input: $input) {
  __typename
  ... on StartBgpFailoverTestSuccess { replayed }
  ... on RecordedChange { change { status } }
  ... on DirectConnectError { code message }
} }`;
const CHANGES = `query($lagId: ID) { changes(lagId: $lagId) { edges { node { clientRequestId status outcome } } } }`;

let pg: PostgresServer | undefined;
afterAll(async () => {
  await pg?.destroy();
});

for (const sink of ['database', 'file'] as const) {
  describe.skipIf(sink === 'database' && !postgresAvailable)(`a retried clientRequestId, with the ${sink} as the record`, () => {
    let emulator: Emulator;
    let endpoint: string;
    let env: Record<string, string>;
    let gateway: TestGateway | undefined;

    const control = async (method: string, path: string, body?: unknown) =>
      (await fetch(`${endpoint}/_emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<any>;
    const calls = async (operation: string): Promise<number> => (await control('GET', 'stats')).requests[operation] ?? 0;
    const update = async (input: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const { body } = await gateway!.graphql(UPDATE, { input }, headers);
      expect(body.errors).toBeUndefined();
      return body.data.updateLagMinimumLinks;
    };
    /** A replica that has seen none of what came before: this replica's exactly-once store is empty. */
    const restart = async () => {
      await gateway?.stop();
      gateway = await startTestGateway(env);
    };

    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    beforeAll(async () => {
      // The SDK's default chain reads this process's environment: the emulator's test credentials.
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      emulator = createEmulator({ seed: 'demo', transitionMs: 0 });
      endpoint = await emulator.listen(0);
      const record: Record<string, string> =
        sink === 'database'
          ? { AUDIT_DATABASE_URL: await (pg ??= await startPostgres()).createDatabase('retries') }
          : { AUDIT_LOG_FILE: join(mkdtempSync(join(tmpdir(), 'dxgraph-retries-')), 'audit.jsonl') };
      env = {
        ...record,
        DX_BACKEND: 'aws',
        DX_ENDPOINT: endpoint,
        AUTH_MODE: 'none',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        DX_REGIONS: 'us-east-1,eu-west-1',
        // One attempt of 1 s: the intent's deadline is 31 s after it (timing.ts).
        DX_TIMEOUT_MS: '1000',
        DX_MAX_ATTEMPTS: '1',
      };
      gateway = await startTestGateway(env);
    }, 60_000);
    afterAll(async () => {
      await gateway?.stop();
      await emulator?.close();
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('answers an earlier success from the record, though a later refusal with the ID came after it', async () => {
      const first = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'weighed' });
      expect(first, first.message).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess' });
      // The same ID with another input: refused, and recorded as a failed change after the success.
      expect(await update({ lagId: 'dxlag-allow001', minimumLinks: 1, clientRequestId: 'weighed' })).toMatchObject({ __typename: 'InvalidInput' });
      const sent = await calls('UpdateLag');
      await restart();
      expect(await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'weighed' })).toMatchObject({
        __typename: 'RecordedChange',
        replayed: true,
        change: { status: 'SUCCEEDED' },
      });
      expect(await calls('UpdateLag')).toBe(sent);
    });

    it('finds the earlier attempt though the retry sends the same x-request-id', async () => {
      const headers = { 'x-request-id': 'the-same-request-id' };
      expect(await update({ lagId: 'dxlag-allow001', minimumLinks: 1, clientRequestId: 'same-request' }, headers)).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess' });
      const sent = await calls('UpdateLag');
      await restart();
      expect(await update({ lagId: 'dxlag-allow001', minimumLinks: 1, clientRequestId: 'same-request' }, headers)).toMatchObject({ __typename: 'RecordedChange' });
      expect(await calls('UpdateLag')).toBe(sent);
    });

    it('takes a default written out, as exactly-once does, for the same change', async () => {
      const start = async (input: Record<string, unknown>) => (await gateway!.graphql(START, { input })).body.data.startBgpFailoverTest;
      expect(await start({ virtualInterfaceId: 'dxvif-allow01pv', clientRequestId: 'default-minutes' })).toMatchObject({ __typename: 'StartBgpFailoverTestSuccess' });
      const sent = await calls('StartBgpFailoverTest');
      await restart();
      expect(await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 180, region: 'us-east-1', clientRequestId: 'default-minutes' })).toMatchObject({
        __typename: 'RecordedChange',
        change: { status: 'SUCCEEDED' },
      });
      expect(await calls('StartBgpFailoverTest')).toBe(sent);
    });

    it('holds back a call whose answer was lost until AWS\'s state settles it, then runs the change AWS never made', async () => {
      const input = { lagId: 'dxlag-minlink01', minimumLinks: 1, clientRequestId: 'answer-lost' };
      // The connection drops once the call is sent: the gateway cannot know AWS never made it.
      await control('POST', 'faults', { type: 'drop', operation: 'UpdateLag', count: 1 });
      expect(await update(input)).toMatchObject({ __typename: 'AwsServiceError', code: 'AWS_UNAVAILABLE' });
      const sent = await calls('UpdateLag');
      await restart();

      const busy = await update(input);
      expect(busy).toMatchObject({ __typename: 'ResourceBusy' });
      expect(busy.message).toContain('ended AWS_UNAVAILABLE after its call was sent');
      const pending = (await gateway!.graphql(CHANGES, { lagId: 'dxlag-minlink01' })).body.data.changes.edges.map((edge: any) => edge.node);
      // Newest first: the refused retry (FAILED, RESOURCE_BUSY), then the call whose answer was lost.
      expect(pending).toEqual([
        { clientRequestId: 'answer-lost', status: 'FAILED', outcome: 'RESOURCE_BUSY' },
        { clientRequestId: 'answer-lost', status: 'PENDING', outcome: 'AWS_UNAVAILABLE' },
      ]);
      expect(await calls('UpdateLag')).toBe(sent);

      // Past its deadline, reconciliation reads the LAG: minimumLinks is still 2, so the change was not made.
      await until(
        'the lost answer settled',
        async () => {
          const nodes = (await gateway!.graphql(CHANGES, { lagId: 'dxlag-minlink01' })).body.data.changes.edges.map((edge: any) => edge.node);
          return nodes.at(-1)?.status === 'PENDING' ? undefined : nodes;
        },
        60_000,
      );
      const settled = (await gateway!.graphql(CHANGES, { lagId: 'dxlag-minlink01' })).body.data.changes.edges.map((edge: any) => edge.node);
      expect(settled.at(-1)).toEqual({ clientRequestId: 'answer-lost', status: 'NOT_APPLIED_PER_AWS', outcome: 'NOT_APPLIED_PER_AWS' });
      expect(await update(input)).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: false });
      expect(await calls('UpdateLag')).toBe(sent + 1);
    }, 90_000);
  });
}
