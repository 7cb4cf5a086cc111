import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeApiKeysFile } from '../helpers/authRequests.js';

// The change record read through GraphQL (docs/change-record.md): `changes` newest
// first, in pages of 50 with cursors, filtered by LAG, caller and time, and a
// LAG's own `changes`; the same answers whether the record is the database (every
// replica's) or this replica's file. 250 real calls by two callers on two LAGs.

const KEYS = {
  alice: { key: 'dxg_alice-key-for-the-change-record-tests', roles: ['dx:read', 'dx:operate'] },
  bob: { key: 'dxg_bob-key-for-the-change-record-tests-00', roles: ['dx:read', 'dx:operate'] },
};
// Pairs the gateway refuses before any mutating call (the connection is not in the LAG): fast, and real attempts all the same.
const ON_ALLOW = { connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-allow001' };
const ON_MINLINK = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-minlink01' };
const DISASSOCIATE = `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) { __typename } }`;
const CHANGES = `query($first: Int, $after: String, $lagId: ID, $caller: String, $since: DateTime) {
  changes(first: $first, after: $after, lagId: $lagId, caller: $caller, since: $since) {
    edges { cursor node { id operation caller region resourceIds clientRequestId status outcome requestedAt completedAt input } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let pg: PostgresServer | undefined;
afterAll(async () => {
  await pg?.destroy();
});

interface Made {
  caller: 'alice' | 'bob';
  lagId: string;
  clientRequestId: string;
}

for (const sink of ['database', 'file'] as const) {
  describe.skipIf(sink === 'database' && !postgresAvailable)(`changes, with the ${sink} as the record`, () => {
    let gateway: TestGateway;
    const made: Made[] = [];
    let sinceTime = '';
    const as = (caller: keyof typeof KEYS) => ({ 'x-api-key': KEYS[caller].key });

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dxgraph-changes-'));
      let env: Record<string, string>;
      if (sink === 'database') {
        pg ??= await startPostgres();
        env = { AUDIT_DATABASE_URL: await pg.createDatabase('paging') };
      } else {
        env = { AUDIT_LOG_FILE: join(dir, 'audit.jsonl') };
      }
      gateway = await startTestGateway({ ...env, AUTH_MODE: 'apikey', API_KEYS_FILE: await writeApiKeysFile(dir, KEYS) });
      // 250 real calls, five at a time; the order they were recorded in is read back below.
      for (let batch = 0; batch < 50; batch += 1) {
        if (batch === 30) sinceTime = new Date().toISOString();
        await Promise.all(
          Array.from({ length: 5 }, async (_, i) => {
            const n = batch * 5 + i;
            const entry: Made = { caller: n % 3 === 0 ? 'bob' : 'alice', lagId: n % 2 === 0 ? ON_ALLOW.lagId : ON_MINLINK.lagId, clientRequestId: `page-${n}` };
            const input = { ...(n % 2 === 0 ? ON_ALLOW : ON_MINLINK), clientRequestId: entry.clientRequestId };
            const answer = await gateway.graphql(DISASSOCIATE, { input }, as(entry.caller));
            expect(answer.body.data.disassociateConnectionFromLag.__typename).toBe('ConnectionNotInLag');
            made.push(entry);
          }),
        );
      }
      // A dry run is not a change: it must not appear.
      await gateway.graphql(DISASSOCIATE, { input: { ...ON_ALLOW, dryRun: true, clientRequestId: 'a-dry-run' } }, as('alice'));
    }, 120_000);
    afterAll(async () => {
      await gateway?.stop();
    });

    const page = async (variables: Record<string, unknown>, caller: keyof typeof KEYS = 'alice') => {
      const { body } = await gateway.graphql(CHANGES, variables, as(caller));
      expect(body.errors).toBeUndefined();
      return body.data.changes as { edges: Array<{ cursor: string; node: any }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
    const walk = async (variables: Record<string, unknown>) => {
      const nodes: any[] = [];
      const sizes: number[] = [];
      let after: string | null = null;
      for (;;) {
        const { edges, pageInfo } = await page({ ...variables, first: 50, after });
        sizes.push(edges.length);
        nodes.push(...edges.map((edge) => edge.node));
        expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
        if (!pageInfo.hasNextPage) return { nodes, sizes };
        after = pageInfo.endCursor;
      }
    };

    it('pages through all 250 changes newest first, 50 at a time, each once, and no dry run', async () => {
      const { nodes, sizes } = await walk({});
      expect(sizes).toEqual([50, 50, 50, 50, 50]);
      const ids = nodes.map((node) => node.clientRequestId);
      expect(new Set(ids).size).toBe(250);
      expect(ids).not.toContain('a-dry-run');
      expect(new Set(ids)).toEqual(new Set(made.map((entry) => entry.clientRequestId)));
      // Newest first, in the order they were recorded: one batch of five ran after another.
      const batches = ids.map((id: string) => Math.floor(Number(id.slice('page-'.length)) / 5));
      expect(batches).toEqual([...batches].sort((a, b) => b - a));
      expect(nodes[0]).toMatchObject({
        operation: 'disassociateConnectionFromLag',
        region: 'us-east-1',
        status: 'FAILED',
        outcome: 'CONNECTION_NOT_IN_LAG',
        completedAt: expect.any(String),
        input: expect.objectContaining({ dryRun: false, clientRequestId: nodes[0].clientRequestId }),
      });
      // The batches went in order: the last batch's calls are the first page's first five.
      expect(new Set(ids.slice(0, 5))).toEqual(new Set(made.slice(245).map((entry) => entry.clientRequestId)));
    });

    it('filters by LAG, by caller, by time, and all three together', async () => {
      const byLag = await walk({ lagId: ON_MINLINK.lagId });
      expect(byLag.nodes).toHaveLength(125);
      expect(byLag.nodes.every((node) => node.resourceIds.includes(ON_MINLINK.lagId))).toBe(true);

      const byBob = await walk({ caller: 'bob' });
      expect(byBob.nodes.map((node) => node.clientRequestId).sort()).toEqual(made.filter((entry) => entry.caller === 'bob').map((entry) => entry.clientRequestId).sort());
      expect(byBob.sizes).toEqual([50, 34]);

      const recent = await walk({ since: sinceTime });
      expect(recent.nodes).toHaveLength(100);
      expect(recent.nodes.every((node) => node.requestedAt >= sinceTime)).toBe(true);

      const all = await walk({ lagId: ON_ALLOW.lagId, caller: 'alice', since: sinceTime });
      const expected = made.slice(150).filter((entry) => entry.caller === 'alice' && entry.lagId === ON_ALLOW.lagId);
      expect(all.nodes.map((node) => node.clientRequestId).sort()).toEqual(expected.map((entry) => entry.clientRequestId).sort());
    });

    it("answers a LAG's own changes through Lag.changes, as the filter does", async () => {
      const { body } = await gateway.graphql(`{ lag(lagId: "${ON_MINLINK.lagId}") { changes(first: 3) { edges { node { clientRequestId } } pageInfo { hasNextPage } } } }`, {}, as('bob'));
      const filtered = await page({ lagId: ON_MINLINK.lagId, first: 3 });
      expect(body.data.lag.changes.edges).toEqual(filtered.edges.map((edge) => ({ node: { clientRequestId: edge.node.clientRequestId } })));
      expect(body.data.lag.changes.pageInfo.hasNextPage).toBe(true);
    });

    it('refuses a malformed cursor, and a page size out of range, as BAD_USER_INPUT', async () => {
      for (const variables of [{ after: 'not-a-cursor!' }, { after: Buffer.from('change:0').toString('base64url') }, { after: Buffer.from('lag:12').toString('base64url') }, { first: 0 }, { first: 101 }]) {
        const { body } = await gateway.graphql(CHANGES, variables, as('alice'));
        expect(body.data).toBeNull();
        expect(body.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      }
    });
  });
}
