import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLines } from '../helpers/authRequests.js';
import { awsCli, awsCliAvailable } from '../helpers/awsCli.js';
import { totalCalls, useTestGateway, type TestGateway } from '../helpers/gateway.js';

// Plans bound to the state they saw (docs/contract.md, "Plans"): a dry run's
// planToken, passed back as expectedPlanToken, makes the real call re-read the LAG
// and its VIFs from AWS itself and refuse with StateChanged, changing nothing, when
// that state moved, when the plan is older than 15 minutes, or when it was made for
// another input. The state is moved the way it moves in life: another member taken
// out with the AWS CLI, a port going down, a BGP session dropping (the emulator's
// test controls). The token itself: test/unit/changes/plan.test.ts.

const ALLOW = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' };

const RESULT = `__typename
  ... on DisassociateConnectionFromLagSuccess { dryRun planToken awsRequestId connection { connectionId lagId } impact { operationalConnectionsBefore warnings { code } } }
  ... on StateChanged { code message retryable plannedAt changes { field planned current } }
  ... on InvalidInput { code field message }
  ... on MinimumLinksViolation { code }`;

async function disassociate(gw: TestGateway, input: Record<string, unknown>) {
  const { body } = await gw.graphql(
    `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) { ${RESULT} } }`,
    { input },
  );
  expect(body.errors).toBeUndefined();
  return body.data.disassociateConnectionFromLag;
}

async function plan(gw: TestGateway, input: Record<string, unknown> = ALLOW): Promise<string> {
  const dry = await disassociate(gw, { ...input, dryRun: true });
  expect(dry.__typename).toBe('DisassociateConnectionFromLagSuccess');
  expect(dry.planToken).toMatch(/^p1\.[\w-]+\.[\w-]+$/);
  return dry.planToken;
}

async function control(gw: TestGateway, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${gw.emulatorUrl}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

async function membersOf(gw: TestGateway, lagId: string): Promise<string[]> {
  const { body } = await gw.graphql(`{ lag(lagId: "${lagId}") { connections { connectionId } } }`);
  return body.data.lag.connections.map((c: { connectionId: string }) => c.connectionId).sort();
}

describe('a plan applied to the state it was made on', () => {
  // The cross-request cache on, so that reading "from AWS itself" is tested, not assumed.
  const auditFile = join(mkdtempSync(join(tmpdir(), 'dxgraph-plan-')), 'audit.jsonl');
  const gw = useTestGateway({ DX_CACHE_TTL_MS: '60000', AUDIT_LOG_FILE: auditFile });

  it('goes ahead, after one fresh read of the LAG and one of its VIFs, its traffic and the maintenance', async () => {
    const token = await plan(gw);
    await gw.reset(); // zero the counts; the state is the seed's, as the plan saw it
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
    expect(result).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', dryRun: false, planToken: null, connection: { lagId: null } });
    expect(result.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.impact.operationalConnectionsBefore).toBe(3);
    // The DX gateways, which no verdict depends on, come from the cache.
    expect(await gw.awsCalls()).toEqual({
      DescribeLags: 1,
      DescribeVirtualInterfaces: 1,
      GetMetricData: 1,
      DescribeEvents: 1,
      DescribeAffectedEntities: 1,
      DisassociateConnectionFromLag: 1,
    });
  });

  it('is refused when the traffic rose above what stays after the plan was made; nothing is cut', async () => {
    const token = await plan(gw);
    // dxlag-allow001 peaks at 3 Gbps; after the plan, 15 Gbps egress on each of the two members that stay.
    for (const resourceId of ['dxcon-allow01b', 'dxcon-allow01c']) {
      await control(gw, 'traffic', { region: 'us-east-1', resourceId, egressGbps: 15, ingressGbps: 1 });
    }
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
    expect(result).toMatchObject({ __typename: 'StateChanged', changes: [{ field: 'lag.capacityBelowPeak', planned: 'false', current: 'true' }] });
    expect(result.message).toContain('lag.capacityBelowPeak was false and is now true');
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
  });

  it('is refused when AWS announced maintenance on a member that stays after the plan was made', async () => {
    const token = await plan(gw);
    const eventArn = await gw.announceMaintenance(['dxcon-allow01b']);
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
    expect(result).toMatchObject({ __typename: 'StateChanged', changes: [{ field: 'lag.maintenanceOnRemainingPath', planned: '', current: eventArn }] });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
  });

  it('is refused when a member went down in between, though the cache still holds the old state; nothing is cut', async () => {
    const token = await plan(gw);
    await control(gw, 'connection-state', { region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'down' });
    const before = await gw.awsCalls();
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
    expect(result).toMatchObject({
      __typename: 'StateChanged',
      code: 'STATE_CHANGED',
      retryable: false,
      changes: [{ field: 'connection(dxcon-allow01b).connectionState', planned: 'available', current: 'down' }],
    });
    expect(result.message).toContain('connection(dxcon-allow01b).connectionState was available and is now down');
    expect(result.message).toContain('Run the dry run again');
    const after = await gw.awsCalls();
    expect(after.DisassociateConnectionFromLag ?? 0).toBe(before.DisassociateConnectionFromLag ?? 0);
    expect(after.DescribeLags).toBe((before.DescribeLags ?? 0) + 1);
  });

  it('is refused when a BGP session on the LAG dropped in between', async () => {
    const token = await plan(gw);
    await control(gw, 'bgp-status', { region: 'us-east-1', virtualInterfaceId: 'dxvif-allow01tr', bgpStatus: 'down' });
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
    expect(result.__typename).toBe('StateChanged');
    expect(result.changes).toEqual([expect.objectContaining({ field: expect.stringMatching(/^bgpPeer\(.+\)\.bgpStatus$/), planned: 'up', current: 'down' })]);
  });

  it('leaves no stale cache behind a StateChanged: the next dry run sees the change and its plan applies', async () => {
    const token = await plan(gw);
    await control(gw, 'connection-state', { region: 'us-east-1', connectionId: 'dxcon-allow01c', connectionState: 'down' });
    // The dry run reads through the cache, which still holds the state the plan saw.
    expect((await disassociate(gw, { ...ALLOW, dryRun: true, expectedPlanToken: token })).__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect((await disassociate(gw, { ...ALLOW, expectedPlanToken: token })).__typename).toBe('StateChanged');
    // The refusal forgot the region's cached reads: the old plan now fails on a dry run too,
    expect((await disassociate(gw, { ...ALLOW, dryRun: true, expectedPlanToken: token })).__typename).toBe('StateChanged');
    // and a new dry run plans on the state AWS reports, so its plan applies.
    const replanned = await disassociate(gw, { ...ALLOW, dryRun: true });
    expect(replanned.impact.operationalConnectionsBefore).toBe(2);
    expect((await disassociate(gw, { ...ALLOW, expectedPlanToken: replanned.planToken })).__typename).toBe('DisassociateConnectionFromLagSuccess');
  });

  it("on a partner's LAG also reads its hosted connections afresh, and nothing else", async () => {
    const partner = { connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01', region: 'eu-west-1' };
    const token = await plan(gw, partner);
    await gw.reset();
    const result = await disassociate(gw, { ...partner, expectedPlanToken: token });
    expect(result.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(result.impact.warnings.map((w: { code: string }) => w.code)).toContain('BECOMES_INTERCONNECT');
    // eu-west-1 has no open or upcoming event: no DescribeAffectedEntities.
    expect(await gw.awsCalls()).toEqual({
      DescribeLags: 1,
      DescribeVirtualInterfaces: 1,
      DescribeHostedConnections: 1,
      GetMetricData: 1,
      DescribeEvents: 1,
      DisassociateConnectionFromLag: 1,
    });
  });

  it('audits a plan token by its digest, not the token', async () => {
    const token = await plan(gw);
    await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
    const lines = await auditLines(auditFile);
    const applied = lines.at(-1)!;
    expect(applied.kind).toBe('outcome');
    expect(applied.input.expectedPlanToken).toMatch(/^sha256:[0-9a-f]{32}$/);
    // The intent, written before the change, keeps it the same way.
    expect(lines.find((r) => r.id === applied.intentId)?.input.expectedPlanToken).toBe(applied.input.expectedPlanToken);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[1]);
  });

  it('is refused for another connection, LAG or region without reading anything', async () => {
    const token = await plan(gw);
    await gw.reset();
    const other = await disassociate(gw, { connectionId: 'dxcon-allow01b', lagId: 'dxlag-allow001', expectedPlanToken: token });
    expect(other).toMatchObject({ __typename: 'StateChanged', changes: [{ field: 'input.connectionId', planned: 'dxcon-allow01a', current: 'dxcon-allow01b' }] });
    expect(other.message).toContain('the plan was made for connectionId dxcon-allow01a, not dxcon-allow01b');
    const elsewhere = await disassociate(gw, { ...ALLOW, region: 'eu-west-1', expectedPlanToken: token });
    expect(elsewhere.changes).toEqual([{ field: 'input.region', planned: 'us-east-1', current: 'eu-west-1' }]);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
    expect(await membersOf(gw, 'dxlag-allow001')).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c']);
  });

  it.each([
    ['garbage', () => 'not-a-plan'],
    ['an altered plan', (token: string) => token.replace(/\.[\w-]{4}/, '.AAAA')],
  ])('refuses %s as InvalidInput on expectedPlanToken, before any AWS call', async (_name, alter) => {
    const token = await plan(gw);
    await gw.reset();
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: alter(token) });
    expect(result).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'expectedPlanToken' });
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  describe.skipIf(!awsCliAvailable)('with the AWS CLI', () => {
    it('is refused when another member was taken out with the AWS CLI in between, and the CLI shows nothing more was cut', async () => {
      const token = await plan(gw);
      await awsCli(gw.emulatorUrl!, 'us-east-1', 'disassociate-connection-from-lag', '--connection-id', 'dxcon-allow01c', '--lag-id', 'dxlag-allow001');
      const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: token });
      expect(result.__typename).toBe('StateChanged');
      expect(result.changes).toContainEqual({
        field: 'lag.members',
        planned: 'dxcon-allow01a, dxcon-allow01b, dxcon-allow01c',
        current: 'dxcon-allow01a, dxcon-allow01b',
      });
      const cli = await awsCli<{ lags: Array<{ connections: Array<{ connectionId: string }> }> }>(
        gw.emulatorUrl!,
        'us-east-1',
        'describe-lags',
        '--lag-id',
        'dxlag-allow001',
      );
      expect(cli.lags[0]!.connections.map((c) => c.connectionId).sort()).toEqual(['dxcon-allow01a', 'dxcon-allow01b']);
    });
  });
});

describe('a plan older than 15 minutes', () => {
  let now = Date.parse('2026-11-26T10:00:00Z');
  const gw = useTestGateway({}, { now: () => now });

  it('is refused as STATE_CHANGED without reading anything; one made 15 minutes ago still applies', async () => {
    const stale = await plan(gw);
    now += 15 * 60 * 1000 + 1;
    await gw.reset();
    const result = await disassociate(gw, { ...ALLOW, expectedPlanToken: stale });
    expect(result).toMatchObject({ __typename: 'StateChanged', plannedAt: '2026-11-26T10:00:00.000Z', changes: [{ field: 'plan.age' }] });
    expect(result.message).toContain('more than 15 minutes ago');
    expect(totalCalls(await gw.awsCalls())).toBe(0);

    const fresh = await plan(gw);
    now += 15 * 60 * 1000;
    expect((await disassociate(gw, { ...ALLOW, expectedPlanToken: fresh })).__typename).toBe('DisassociateConnectionFromLagSuccess');
  });
});
