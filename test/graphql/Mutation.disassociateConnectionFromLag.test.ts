import { describe, expect, it } from 'vitest';
import { impactReads, totalCalls, useTestGateway } from '../helpers/gateway.js';

// Mutation.disassociateConnectionFromLag (docs/contract.md, "The mutations"): every
// disassociation rule of the AWS documentation, seen through GraphQL alone against
// the demo seed (src/emulator/seed.ts).

const gw = useTestGateway();

const DISASSOCIATE = `
  mutation Disassociate($input: DisassociateConnectionFromLagInput!) {
    disassociateConnectionFromLag(input: $input) {
      __typename
      ... on DirectConnectError { code message retryable }
      ... on DisassociateConnectionFromLagSuccess {
        dryRun
        connection { connectionId lagId connectionState region }
        lag { lagId numberOfConnections connections { connectionId } }
      }
      ... on MinimumLinksViolation { minimumLinks operationalConnections remainingOperationalConnections lag { lagId numberOfConnections } awsRequestId }
      ... on ConnectionNotInLag { connectionId lagId actualLagId }
      ... on ConnectionNotFound { connectionId region awsRequestId }
      ... on LagNotFound { lagId region }
      ... on InvalidInput { field }
      ... on ResourceBusy { awsRequestId }
    }
  }
`;

async function disassociate(input: Record<string, unknown>) {
  const { body } = await gw.graphql(DISASSOCIATE, { input });
  expect(body.errors).toBeUndefined();
  return body.data.disassociateConnectionFromLag;
}

async function lagMembers(lagId: string, region = 'us-east-1') {
  const { body } = await gw.graphql(`query($id: ID!, $r: String) { lag(lagId: $id, region: $r) { numberOfConnections connections { connectionId } } }`, {
    id: lagId,
    r: region,
  });
  return body.data.lag as { numberOfConnections: number; connections: Array<{ connectionId: string }> } | null;
}

describe('disassociateConnectionFromLag', () => {
  it('disassociates a member when enough links remain, returning the standalone connection and the LAG afterwards', async () => {
    const result = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' });
    expect(result.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(result.dryRun).toBe(false);
    expect(result.connection).toMatchObject({ connectionId: 'dxcon-allow01a', lagId: null, connectionState: 'AVAILABLE' });
    expect(result.lag.numberOfConnections).toBe(2);
    expect(result.lag.connections.map((c: { connectionId: string }) => c.connectionId)).not.toContain('dxcon-allow01a');

    const after = await gw.graphql(`{ connection(connectionId: "dxcon-allow01a") { lagId lag { lagId } } }`);
    expect(after.body.data.connection).toEqual({ lagId: null, lag: null });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(1);
  });

  it('refuses to take a LAG below its minimum links, with the numbers, and changes nothing', async () => {
    const result = await disassociate({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01' });
    expect(result).toMatchObject({
      __typename: 'MinimumLinksViolation',
      code: 'MINIMUM_LINKS_VIOLATION',
      retryable: false,
      minimumLinks: 2,
      operationalConnections: 2,
      remainingOperationalConnections: 1,
      lag: { lagId: 'dxlag-minlink01', numberOfConnections: 2 },
    });
    expect(result.message).toMatch(/minimumLinks of 2/);
    // The LAG would go down (a grave warning) and the rules refuse it: AWS is not asked.
    expect(result.awsRequestId).toBeNull();
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
    expect((await lagMembers('dxlag-minlink01'))?.numberOfConnections).toBe(2);
  });

  it('lets the last member go even with minimumLinks 1, and the emptied LAG lives on', async () => {
    // The LAG goes down: by default that needs the plan of a dry run that showed it.
    const input = { connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01' };
    const unplanned = await gw.graphql(`mutation($input: DisassociateConnectionFromLagInput!) {
      disassociateConnectionFromLag(input: $input) { __typename ... on PlanRequired { code retryable warnings { code } } } }`, { input });
    expect(unplanned.body.data.disassociateConnectionFromLag).toEqual({
      __typename: 'PlanRequired',
      code: 'PLAN_REQUIRED',
      retryable: false,
      warnings: [{ code: 'LAG_GOES_DOWN' }, { code: 'CAPACITY_BELOW_PEAK' }],
    });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
    const { body } = await gw.graphql(`mutation($input: DisassociateConnectionFromLagInput!) {
      disassociateConnectionFromLag(input: $input) { ... on DisassociateConnectionFromLagSuccess { planToken } } }`, { input: { ...input, dryRun: true } });
    const result = await disassociate({ ...input, expectedPlanToken: body.data.disassociateConnectionFromLag.planToken });
    expect(result.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(result.lag).toEqual({ lagId: 'dxlag-lastmem01', numberOfConnections: 0, connections: [] });
    expect(await lagMembers('dxlag-lastmem01')).toEqual({ numberOfConnections: 0, connections: [] });
  });

  it('turns a partner-owned connection into an interconnect: it leaves the connections list', async () => {
    const result = await disassociate({ connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01', region: 'eu-west-1' });
    expect(result.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(result.connection).toMatchObject({ connectionId: 'dxcon-partnr1a', lagId: null });
    const after = await gw.graphql(`{ connection(connectionId: "dxcon-partnr1a", region: "eu-west-1") { connectionId } connections(region: "eu-west-1") { connectionId } }`);
    expect(after.body.data.connection).toBeNull();
    expect(after.body.data.connections.map((c: { connectionId: string }) => c.connectionId)).not.toContain('dxcon-partnr1a');
  });

  it('answers ConnectionNotFound and LagNotFound for well-formed IDs that do not exist', async () => {
    const noConnection = await disassociate({ connectionId: 'dxcon-zzzzzzzz', lagId: 'dxlag-allow001' });
    expect(noConnection).toMatchObject({ __typename: 'ConnectionNotFound', code: 'CONNECTION_NOT_FOUND', connectionId: 'dxcon-zzzzzzzz', region: 'us-east-1' });
    const noLag = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-zzzzzzzz' });
    expect(noLag).toMatchObject({ __typename: 'LagNotFound', code: 'LAG_NOT_FOUND', lagId: 'dxlag-zzzzzzzz' });
  });

  it('answers ConnectionNotInLag, naming the LAG the connection is really in', async () => {
    const otherLag = await disassociate({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-allow001' });
    expect(otherLag).toMatchObject({ __typename: 'ConnectionNotInLag', code: 'CONNECTION_NOT_IN_LAG', actualLagId: 'dxlag-minlink01' });
    const standalone = await disassociate({ connectionId: 'dxcon-standal1', lagId: 'dxlag-allow001' });
    expect(standalone).toMatchObject({ __typename: 'ConnectionNotInLag', actualLagId: null });
    expect(standalone.message).toContain('standalone');
  });

  it('refuses malformed IDs and unserved regions as InvalidInput without any AWS call', async () => {
    const badConnection = await disassociate({ connectionId: 'dxcon-BAD', lagId: 'dxlag-allow001' });
    expect(badConnection).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'connectionId', retryable: false });
    const badLag = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxcon-allow01b' });
    expect(badLag).toMatchObject({ __typename: 'InvalidInput', field: 'lagId' });
    const badRegion = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', region: 'mars-north-1' });
    expect(badRegion).toMatchObject({ __typename: 'InvalidInput', field: 'region' });
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('answers ResourceBusy while a just-disassociated connection is transitioning', async () => {
    await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' });
    const again = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' });
    expect(again).toMatchObject({ __typename: 'ResourceBusy', code: 'RESOURCE_BUSY', retryable: true });
    expect(again.message).toContain('transitioning');
  });
});

describe('disassociateConnectionFromLag input that must not be guessed at', () => {
  it('refuses dryRun: null (an unset form variable) instead of cutting the link', async () => {
    const { body } = await gw.graphql(
      `mutation ($dry: Boolean) { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001", dryRun: $dry }) {
        __typename ... on InvalidInput { field message } } }`,
      { dry: null },
    );
    expect(body.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'InvalidInput', field: 'dryRun' });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
  });
});

describe('disassociateConnectionFromLag AWS calls', () => {
  it('refuses a grave change its rules refuse without asking AWS, however deep the payload reads the LAG', async () => {
    const { body } = await gw.graphql(`mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-minlnk1a", lagId: "dxlag-minlink01" }) {
      ... on MinimumLinksViolation { lag { lagId connections { connectionId lag { lagId connections { lag { lagId } } } } } } } }`);
    expect(body.data.disassociateConnectionFromLag.lag.connections).toHaveLength(2);
    // One read of the LAG and its VIFs for the impact; the LAG would go down (LAG_GOES_DOWN) and the
    // rules refuse it, so AWS, whose reading of "operational" is not published, is not asked.
    expect(await gw.awsCalls()).toEqual({ DescribeLags: 1, DescribeVirtualInterfaces: 1, ...impactReads(1) });
  });

  it('reads the LAG once before the call (for the impact) and once afresh after a success', async () => {
    const { body } = await gw.graphql(`mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) {
      ... on DisassociateConnectionFromLagSuccess { lag { numberOfConnections connections { lag { numberOfConnections } } } } } }`);
    expect(body.data.disassociateConnectionFromLag.lag.numberOfConnections).toBe(2);
    // And what the impact reads beyond the LAG: its VIFs reach two DX gateways.
    expect(await gw.awsCalls()).toEqual({ DescribeLags: 2, DescribeVirtualInterfaces: 1, DisassociateConnectionFromLag: 1, ...impactReads(2) });
  });
});

describe('disassociateConnectionFromLag with dryRun', () => {
  it('reports success with the current state and changes nothing', async () => {
    const result = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(result).toMatchObject({
      __typename: 'DisassociateConnectionFromLagSuccess',
      dryRun: true,
      connection: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' },
      lag: { lagId: 'dxlag-allow001', numberOfConnections: 3 },
    });
    const calls = await gw.awsCalls();
    expect(calls.DisassociateConnectionFromLag ?? 0).toBe(0);
    expect((await lagMembers('dxlag-allow001'))?.numberOfConnections).toBe(3);
  });

  it('returns the same typed refusals as the real call, without calling the mutating API', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01' }, 'MinimumLinksViolation'],
      [{ connectionId: 'dxcon-standal1', lagId: 'dxlag-allow001' }, 'ConnectionNotInLag'],
      [{ connectionId: 'dxcon-zzzzzzzz', lagId: 'dxlag-allow001' }, 'ConnectionNotFound'],
      [{ connectionId: 'dxcon-allow01a', lagId: 'dxlag-zzzzzzzz' }, 'LagNotFound'],
      [{ connectionId: 'dxcon-zzzzzzzz', lagId: 'dxlag-zzzzzzzz' }, 'ConnectionNotFound'],
    ];
    for (const [input, typename] of cases) {
      const dry = await disassociate({ ...input, dryRun: true });
      const real = await disassociate(input);
      expect(dry.__typename).toBe(typename);
      expect(real.__typename).toBe(typename);
      expect(dry.code).toBe(real.code);
    }
    const lastMember = await disassociate({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01', dryRun: true });
    expect(lastMember.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const calls = await gw.awsCalls();
    // Only the real calls above reached the mutating API, but for the minimum-links one: the LAG
    // would go down, and a grave change the rules refuse is answered without asking AWS.
    expect(calls.DisassociateConnectionFromLag).toBe(4);
  });
});
