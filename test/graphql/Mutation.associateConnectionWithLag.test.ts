import { DeleteConnectionCommand, DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { impactReads, totalCalls, useTestGateway } from '../helpers/gateway.js';

// associateConnectionWithLag over real HTTP against npm start's wiring and the demo
// seed (docs/contract.md, "The mutations"): the way back after a disassociation,
// every typed refusal on a real case, the dry run's impact, and AWS's word on the
// real call. Its plan binding works as the disassociation's
// (Mutation.disassociateConnectionFromLag.plan.test.ts) and is checked here once.

const gw = useTestGateway({ DX_EMULATOR_TRANSITION_MS: '0' });

const RESULT = `__typename
  ... on AssociateConnectionWithLagSuccess {
    dryRun awsRequestId planToken
    connection { connectionId lagId }
    lag { lagId numberOfConnections virtualInterfaces { virtualInterfaceId } }
    impact {
      operationalConnectionsBefore operationalConnectionsAfter capacityBeforeGbps capacityAfterGbps
      virtualInterfacesMoving { virtualInterfaceId } virtualInterfacesStaying { virtualInterfaceId }
      membersFreeToLeave membersHeldByMinimumLinks
      warnings { code message }
      previousLag { lagId operationalConnectionsAfter warnings { code } }
    }
  }
  ... on DirectConnectError { code message retryable }
  ... on IncompatibleConnection { mismatches { field connectionValue lagValue } awsRequestId }
  ... on LagFull { quota memberCount awsRequestId }
  ... on ConnectionAlreadyInLag { connectionId lagId awsRequestId }
  ... on MinimumLinksViolation { allowingMinimumLinks lag { lagId } impact { warnings { code } } awsRequestId }
  ... on StateChanged { changes { field planned current } }
  ... on PlanRequired { warnings { code } }`;

async function associate(input: Record<string, unknown>) {
  const { body } = await gw.graphql(
    `mutation($input: AssociateConnectionWithLagInput!) { associateConnectionWithLag(input: $input) { ${RESULT} } }`,
    { input },
  );
  expect(body.errors).toBeUndefined();
  return body.data.associateConnectionWithLag;
}

async function disassociate(connectionId: string, lagId: string) {
  const { body } = await gw.graphql(
    `mutation { disassociateConnectionFromLag(input: { connectionId: "${connectionId}", lagId: "${lagId}" }) { __typename } }`,
  );
  expect(body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
}

describe('associateConnectionWithLag', () => {
  it('puts a disassociated member back: the LAG has its members again, and its VIFs never left', async () => {
    await disassociate('dxcon-allow01a', 'dxlag-allow001');
    const result = await associate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' });
    expect(result).toMatchObject({
      __typename: 'AssociateConnectionWithLagSuccess',
      dryRun: false,
      planToken: null,
      connection: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' },
      lag: { lagId: 'dxlag-allow001', numberOfConnections: 3, virtualInterfaces: [{ virtualInterfaceId: 'dxvif-allow01pv' }, { virtualInterfaceId: 'dxvif-allow01tr' }] },
      impact: { operationalConnectionsBefore: 2, operationalConnectionsAfter: 3, capacityBeforeGbps: 20, capacityAfterGbps: 30 },
    });
    expect(result.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("dry-runs a standalone connection's move, its VIF with it, without calling the mutating API", async () => {
    const dry = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(dry).toMatchObject({ __typename: 'AssociateConnectionWithLagSuccess', dryRun: true, awsRequestId: null, connection: { lagId: null } });
    expect(dry.impact.virtualInterfacesMoving).toEqual([{ virtualInterfaceId: 'dxvif-assoc01pv' }]);
    expect(dry.impact.warnings.map((w: { code: string }) => w.code)).toContain('BGP_SESSIONS_AFFECTED');
    expect(dry.impact.warnings.find((w: { code: string }) => w.code === 'BGP_SESSIONS_AFFECTED').message).toContain('interrupted');
    expect(dry.impact.membersFreeToLeave).toHaveLength(4);
    expect((await gw.awsCalls()).AssociateConnectionWithLag ?? 0).toBe(0);

    const real = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', expectedPlanToken: dry.planToken });
    expect(real.__typename).toBe('AssociateConnectionWithLagSuccess');
    expect(real.lag.virtualInterfaces.map((v: { virtualInterfaceId: string }) => v.virtualInterfaceId)).toContain('dxvif-assoc01pv');
    const { body } = await gw.graphql(`{ virtualInterface(virtualInterfaceId: "dxvif-assoc01pv") { connectionId lag { lagId } } }`);
    expect(body.data.virtualInterface).toEqual({ connectionId: 'dxlag-allow001', lag: { lagId: 'dxlag-allow001' } });
  });

  it("moves a LAG's last member, warning what leaving does to that LAG, and only with a plan since that LAG goes down", async () => {
    const input = { connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-allow001' };
    const unplanned = await associate(input);
    expect(unplanned).toMatchObject({ __typename: 'PlanRequired', code: 'PLAN_REQUIRED', retryable: false });
    // Both from the LAG it leaves: it goes down, and nothing stays to carry its traffic.
    expect(unplanned.warnings.map((w: { code: string }) => w.code)).toEqual(['LAG_GOES_DOWN', 'CAPACITY_BELOW_PEAK']);
    expect((await gw.awsCalls()).AssociateConnectionWithLag ?? 0).toBe(0);

    const dry = await associate({ ...input, dryRun: true });
    const result = await associate({ ...input, expectedPlanToken: dry.planToken });
    expect(result.__typename).toBe('AssociateConnectionWithLagSuccess');
    expect(result.impact.warnings.map((w: { code: string }) => w.code)).toContain('LEAVES_ANOTHER_LAG');
    expect(result.impact.previousLag).toMatchObject({ lagId: 'dxlag-lastmem01', operationalConnectionsAfter: 0 });
    // The demo's last member carries traffic: what stays (nothing) is below its peak.
    expect(result.impact.previousLag.warnings.map((w: { code: string }) => w.code)).toEqual([
      'LAG_EMPTIED',
      'LAG_GOES_DOWN',
      'CAPACITY_BELOW_PEAK',
      'BGP_SESSIONS_AFFECTED',
    ]);
  });

  it('dry-runs a move between LAGs with one Describe run per kind', async () => {
    const dry = await associate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-empty001', dryRun: true });
    expect(dry.impact.previousLag.lagId).toBe('dxlag-allow001');
    // And, for the impact, the traffic of both LAGs in one call, the maintenance, and the two DX gateways dxlag-allow001's VIFs reach.
    expect(await gw.awsCalls()).toEqual({ DescribeConnections: 1, DescribeLags: 1, DescribeVirtualInterfaces: 1, ...impactReads(2) });
  });

  describe.each([true, false])('refuses, as a typed error, with dryRun %s', (dryRun) => {
    it('a connection that is already a member of that LAG', async () => {
      const result = await associate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun });
      expect(result).toMatchObject({ __typename: 'ConnectionAlreadyInLag', code: 'CONNECTION_ALREADY_IN_LAG', retryable: false });
      expect(result.message).toContain('already a member of LAG dxlag-allow001');
    });

    it('a connection of another bandwidth', async () => {
      const result = await associate({ connectionId: 'dxcon-wrongbw1', lagId: 'dxlag-allow001', dryRun });
      expect(result).toMatchObject({ __typename: 'IncompatibleConnection', code: 'INCOMPATIBLE_CONNECTION', mismatches: [{ field: 'bandwidth', connectionValue: '1Gbps', lagValue: '10Gbps' }] });
    });

    it('a connection on another Direct Connect endpoint', async () => {
      const result = await associate({ connectionId: 'dxcon-otherdv1', lagId: 'dxlag-allow001', dryRun });
      expect(result.__typename).toBe('IncompatibleConnection');
      expect(result.mismatches).toEqual([expect.objectContaining({ field: 'awsDeviceV2' })]);
      expect(result.mismatches[0].connectionValue).not.toBe(result.mismatches[0].lagValue);
    });

    it('a connection without MACsec for a LAG that must encrypt', async () => {
      const result = await associate({ connectionId: 'dxcon-nomacs1a', lagId: 'dxlag-macsec01', dryRun });
      expect(result).toMatchObject({
        __typename: 'IncompatibleConnection',
        mismatches: [{ field: 'macSecCapable', connectionValue: 'false', lagValue: 'true (encryptionMode must_encrypt)' }],
      });
    });

    it('every mismatch at once, where there are several', async () => {
      const result = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-macsec01', dryRun });
      expect(result.mismatches.map((m: { field: string }) => m.field)).toEqual(['awsDeviceV2', 'macSecCapable']);
    });

    it('a full LAG, with the quota and the count', async () => {
      const result = await associate({ connectionId: 'dxcon-spare01a', lagId: 'dxlag-full0001', dryRun });
      expect(result).toMatchObject({ __typename: 'LagFull', code: 'LAG_FULL', quota: 4, memberCount: 4, retryable: false });
    });

    it('a move that would take the LAG it leaves below its minimum links, naming the value that would allow it', async () => {
      const result = await associate({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-allow001', dryRun });
      expect(result).toMatchObject({ __typename: 'MinimumLinksViolation', lag: { lagId: 'dxlag-minlink01' }, allowingMinimumLinks: 1 });
      expect(result.message).toContain('updateLagMinimumLinks(input: { lagId: "dxlag-minlink01", minimumLinks: 1 })');
      expect(result.impact.warnings.map((w: { code: string }) => w.code)).toContain('LAG_GOES_DOWN');
    });

    it('a connection or LAG that does not exist', async () => {
      expect((await associate({ connectionId: 'dxcon-zzzzzzzz', lagId: 'dxlag-allow001', dryRun })).__typename).toBe('ConnectionNotFound');
      expect((await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-zzzzzzzz', dryRun })).__typename).toBe('LagNotFound');
    });
  });

  it('explains a real refusal with AWS words and request ID, and makes no change', async () => {
    const result = await associate({ connectionId: 'dxcon-spare01a', lagId: 'dxlag-full0001' });
    expect(result.__typename).toBe('LagFull');
    expect(result.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.message).toContain('AWS said:');
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-full0001") { numberOfConnections } }`);
    expect(body.data.lag.numberOfConnections).toBe(4);
  });

  it('answers a throttled read before the locks as a typed Throttled, changing nothing', async () => {
    await gw.fault({ type: 'throttle', operation: 'DescribeConnections', count: 10 });
    const result = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' });
    expect(result).toMatchObject({ __typename: 'Throttled', code: 'THROTTLED', retryable: true });
    expect((await gw.awsCalls()).AssociateConnectionWithLag ?? 0).toBe(0);
  });

  it('refuses malformed input before any AWS call', async () => {
    for (const input of [
      { connectionId: 'dxvif-allow01pv', lagId: 'dxlag-allow001' },
      { connectionId: 'dxcon-assoc01a', lagId: 'lag-1' },
      { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', region: 'mars-north-1' },
      { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', dryRun: null },
      { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', clientRequestId: 'has spaces' },
      { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', expectedPlanToken: 'p1.x.y' },
    ]) {
      expect((await associate(input)).code).toBe('BAD_USER_INPUT');
    }
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('refuses a plan whose connection changed in between, and cuts nothing', async () => {
    const dry = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-empty001', dryRun: true });
    await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'us-east-1', connectionId: 'dxcon-assoc01a', connectionState: 'down' }),
    });
    const result = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-empty001', expectedPlanToken: dry.planToken });
    expect(result.__typename).toBe('StateChanged');
    expect(result.changes).toContainEqual({ field: 'connection(dxcon-assoc01a).connectionState', planned: 'available', current: 'down' });
    expect((await gw.awsCalls()).AssociateConnectionWithLag ?? 0).toBe(0);
  });

  it('refuses a deleted connection in the dry run, as AWS would, without a plan that cannot apply', async () => {
    const client = new DirectConnectClient({ region: 'us-east-1', endpoint: gw.emulatorUrl!, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await client.send(new DeleteConnectionCommand({ connectionId: 'dxcon-assoc01a' }));
    const result = await associate({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(result).toMatchObject({ __typename: 'ConnectionNotFound', message: 'Connection dxcon-assoc01a in us-east-1 is deleted: nothing can change it any more.' });
    client.destroy();
  });

  it("puts a partner's connection back from its interconnect form, with its plan", async () => {
    const partner = { connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01', region: 'eu-west-1' };
    const { body } = await gw.graphql(`mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) { __typename } }`, { input: partner });
    expect(body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const dry = await associate({ ...partner, dryRun: true });
    expect(dry).toMatchObject({ __typename: 'AssociateConnectionWithLagSuccess', connection: { connectionId: 'dxcon-partnr1a', lagId: null } });
    const real = await associate({ ...partner, expectedPlanToken: dry.planToken });
    expect(real).toMatchObject({ __typename: 'AssociateConnectionWithLagSuccess', connection: { connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01' } });
  });
});

describe('associateConnectionWithLag and AWS maintenance', () => {
  it('needs a plan to join a LAG whose member AWS will take down for maintenance, and goes through with it', async () => {
    await gw.announceMaintenance(['dxcon-allow01b'], { inDays: 2 });
    const input = { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' };
    const unplanned = await associate(input);
    expect(unplanned).toMatchObject({ __typename: 'PlanRequired', warnings: [{ code: 'MAINTENANCE_ON_REMAINING_PATH' }] });
    expect((await gw.awsCalls()).AssociateConnectionWithLag ?? 0).toBe(0);
    const dry = await associate({ ...input, dryRun: true });
    expect(dry.impact.warnings.map((w: { code: string }) => w.code)).toContain('MAINTENANCE_ON_REMAINING_PATH');
    const planned = await associate({ ...input, expectedPlanToken: dry.planToken });
    expect(planned).toMatchObject({ __typename: 'AssociateConnectionWithLagSuccess', dryRun: false });
  });
});
