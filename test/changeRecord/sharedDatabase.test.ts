import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { start, type Running } from '../../src/start.js';
import { until } from '../helpers/builtGateway.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';

// Three replicas on one PostgreSQL change record, in front of one emulator playing
// AWS (docs/change-record.md): a change through any of them is in `changes` on every
// one, in order, once; started together, they migrate the database without tripping
// on each other. Then the database stopped, and made read-only, mid-run: real changes
// answer AuditUnavailable and call nothing, queries of AWS go on, /readyz says 503,
// and all comes back when the database does.

let emulator: Emulator;
let endpoint: string;
let pg: PostgresServer | undefined;
let replicas: Running[] = [];
const DATABASE = 'shared';

const NOT_IN_LAG = [
  { connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-allow001' },
  { connectionId: 'dxcon-allow01a', lagId: 'dxlag-minlink01' },
];
const DISASSOCIATE = `mutation($input: DisassociateConnectionFromLagInput!) {
  disassociateConnectionFromLag(input: $input) { __typename ... on DirectConnectError { code message } }
}`;
const CHANGES = `{ changes(first: 100) { edges { node { id clientRequestId status } } } }`;

beforeAll(async () => {
  if (!postgresAvailable) return;
  emulator = createEmulator({ seed: 'demo', transitionMs: 0 });
  endpoint = await emulator.listen(0);
  pg = await startPostgres();
  // The SDK's default chain finds these, as in production it finds the real ones.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  const config = loadConfig({
    DX_BACKEND: 'aws',
    DX_ENDPOINT: endpoint,
    AUTH_MODE: 'none',
    AUDIT_DATABASE_URL: await pg.createDatabase(DATABASE),
    DX_REGIONS: 'us-east-1,eu-west-1',
    PORT: '0',
    NODE_ENV: 'production',
  });
  // All three at once, on a database no one has migrated yet.
  replicas = await Promise.all([0, 1, 2].map(() => start(config, pino({ level: 'silent' }))));
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await emulator?.close();
  await pg?.destroy();
});

async function post(replica: Running, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(replica.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}
const readyz = async (replica: Running) => {
  const response = await fetch(new URL('/readyz', replica.url));
  return { status: response.status, body: (await response.json()) as any };
};
const mutatingCalls = async () => ((await (await fetch(`${endpoint}/_emulator/stats`)).json()) as { requests: Record<string, number> }).requests.DisassociateConnectionFromLag ?? 0;

describe.skipIf(!postgresAvailable)('three replicas on one change record', () => {
  it('migrated the database once, though they started together', async () => {
    const { rows } = await pg!.sql(DATABASE, 'SELECT name FROM dxgraph_migrations');
    expect(rows.map((row) => row.name)).toEqual(['1765152000000_change-record', '1765238400000_uncertain-outcomes']);
  });

  it('show a change made through any of them on every one, in order, none twice', async () => {
    const made: string[] = [];
    for (let n = 0; n < 9; n += 1) {
      const clientRequestId = `shared-${n}`;
      const answer = await post(replicas[n % 3]!, DISASSOCIATE, { input: { ...NOT_IN_LAG[n % 2], clientRequestId } });
      expect(answer.data.disassociateConnectionFromLag.__typename).toBe('ConnectionNotInLag');
      made.push(clientRequestId);
    }
    const lists = await Promise.all(replicas.map(async (replica) => (await post(replica, CHANGES)).data.changes.edges.map((edge: any) => edge.node)));
    for (const list of lists) {
      expect(list.map((node: any) => node.clientRequestId)).toEqual([...made].reverse());
      expect(new Set(list.map((node: any) => node.id)).size).toBe(9);
      expect(list).toEqual(lists[0]);
    }
  });

  it('refuse real changes and call nothing while the database is stopped, go on answering queries, and recover', async () => {
    const before = await mutatingCalls();
    await pg!.stop();
    try {
      for (const replica of replicas) {
        const answer = await post(replica, DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'while-down' } });
        expect(answer.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'AuditUnavailable', code: 'AUDIT_UNAVAILABLE' });
        const lag = await post(replica, '{ lag(lagId: "dxlag-allow001") { lagId numberOfConnections } }');
        expect(lag).toEqual({ data: { lag: { lagId: 'dxlag-allow001', numberOfConnections: 3 } } });
        const ready = await readyz(replica);
        expect(ready.status).toBe(503);
        expect(ready.body.checks.audit.reason).toMatch(/\(AUDIT_DATABASE_URL 127\.0\.0\.1:\d+\/shared\)$/);
        expect(JSON.stringify(ready.body)).not.toContain('dxgraph@');
        const history = await post(replica, CHANGES);
        expect(history.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      }
      expect(await mutatingCalls()).toBe(before);
    } finally {
      await pg!.restart();
    }
    // /readyz probes at most every 5 s: each replica comes back once a write gets through.
    for (const replica of replicas) await until('ready again', async () => ((await readyz(replica)).status === 200 ? true : undefined), 15_000);
    const answer = await post(replicas[0]!, DISASSOCIATE, { input: { ...NOT_IN_LAG[0], clientRequestId: 'after-restart' } });
    expect(answer.data.disassociateConnectionFromLag.__typename).toBe('ConnectionNotInLag');
    expect((await post(replicas[2]!, CHANGES)).data.changes.edges[0].node.clientRequestId).toBe('after-restart');
  }, 60_000);

  it('refuse real changes the same way when the database takes no writes (read-only), and recover when it does', async () => {
    const before = await mutatingCalls();
    const cut = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${DATABASE}' AND pid <> pg_backend_pid()`;
    await pg!.sql('postgres', `ALTER DATABASE ${DATABASE} SET default_transaction_read_only = on`);
    await pg!.sql('postgres', cut);
    try {
      const answer = await post(replicas[1]!, DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'read-only' } });
      expect(answer.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'AuditUnavailable', code: 'AUDIT_UNAVAILABLE' });
      expect(answer.data.disassociateConnectionFromLag.message).toContain('read-only');
      expect(await mutatingCalls()).toBe(before);
      expect((await readyz(replicas[1]!)).status).toBe(503);
      // Reading the record still works: only writes are refused.
      expect((await post(replicas[1]!, CHANGES)).data.changes.edges.length).toBeGreaterThan(0);
    } finally {
      await pg!.sql('postgres', `ALTER DATABASE ${DATABASE} SET default_transaction_read_only = off`);
      await pg!.sql('postgres', cut);
    }
    await until('ready again', async () => ((await readyz(replicas[1]!)).status === 200 ? true : undefined), 15_000);
    const answer = await post(replicas[1]!, DISASSOCIATE, { input: { ...NOT_IN_LAG[1], clientRequestId: 'writable-again' } });
    expect(answer.data.disassociateConnectionFromLag.__typename).toBe('ConnectionNotInLag');
  }, 60_000);
});
