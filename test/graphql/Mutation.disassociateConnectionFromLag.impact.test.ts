import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

// The impact of disassociateConnectionFromLag through GraphQL alone, on the demo seed
// (docs/contract.md, "Impact"): every warning code on a real case, capacity from the
// seed's bandwidths, and the same impact from the dry run, the real call and a refusal.
// The rules one by one: test/unit/changes/impact.test.ts.

const gw = useTestGateway();

const IMPACT = `impact {
  lagId operationalConnectionsBefore operationalConnectionsAfter minimumLinks capacityBeforeGbps capacityAfterGbps bgpSessionsUp
  virtualInterfacesStaying { virtualInterfaceId bgpPeers { bgpPeerId bgpStatus } }
  hostedConnectionsStaying { connectionId }
  trafficPeakGbps
  directConnectGatewaysAffected { directConnectGatewayId directConnectGatewayName }
  associatedGatewaysAffected { id type region }
  maintenanceEvents { eventArn eventTypeCode statusCode startTime endTime affectedResourceIds }
  warnings { code message }
}`;

async function disassociate(input: Record<string, unknown>) {
  const { body } = await gw.graphql(
    `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) {
      __typename
      ... on DisassociateConnectionFromLagSuccess { dryRun planToken ${IMPACT} }
      ... on PlanRequired { code message warnings { code } }
      ... on MinimumLinksViolation { message ${IMPACT} }
    } }`,
    { input },
  );
  expect(body.errors).toBeUndefined();
  return body.data.disassociateConnectionFromLag;
}

const codes = (result: { impact: { warnings: Array<{ code: string }> } }) => result.impact.warnings.map((w) => w.code);

describe('disassociateConnectionFromLag impact', () => {
  it('for a member of a three-member LAG: capacity 30 → 20 Gbps, and the BGP sessions on its VIFs lose capacity', async () => {
    const result = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(result.impact).toMatchObject({
      lagId: 'dxlag-allow001',
      operationalConnectionsBefore: 3,
      operationalConnectionsAfter: 2,
      minimumLinks: 1,
      capacityBeforeGbps: 30,
      capacityAfterGbps: 20,
      bgpSessionsUp: 3,
      hostedConnectionsStaying: [],
    });
    expect(result.impact.virtualInterfacesStaying.map((v: { virtualInterfaceId: string }) => v.virtualInterfaceId)).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
    expect(result.impact.warnings).toEqual([
      {
        code: 'BGP_SESSIONS_AFFECTED',
        message: '2 virtual interfaces with 3 BGP sessions up go from 3 operational connections (30 Gbps) to 2 (20 Gbps): dxvif-allow01pv, dxvif-allow01tr.',
      },
    ]);
  });

  it("for the last member: LAG_EMPTIED, LAG_GOES_DOWN, CAPACITY_BELOW_PEAK and BGP_SESSIONS_AFFECTED, listing the VIFs that lose their path", async () => {
    const result = await disassociate({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01', dryRun: true });
    // The demo's last member carries 1 Gbps: nothing stays to carry it.
    expect(codes(result)).toEqual(['LAG_EMPTIED', 'LAG_GOES_DOWN', 'CAPACITY_BELOW_PEAK', 'BGP_SESSIONS_AFFECTED']);
    expect(result.impact).toMatchObject({ operationalConnectionsBefore: 1, operationalConnectionsAfter: 0, capacityBeforeGbps: 10, capacityAfterGbps: 0, bgpSessionsUp: 2 });
    expect(result.impact.virtualInterfacesStaying).toEqual([
      { virtualInterfaceId: 'dxvif-lastmem1pb', bgpPeers: [expect.objectContaining({ bgpStatus: 'DOWN' })] },
      { virtualInterfaceId: 'dxvif-lastmem1pv', bgpPeers: [expect.objectContaining({ bgpStatus: 'UP' }), expect.objectContaining({ bgpStatus: 'UP' })] },
    ]);
    expect(result.impact.warnings[0].message).toContain('2 virtual interfaces (dxvif-lastmem1pb, dxvif-lastmem1pv) lose their only path');
    expect(result.impact.warnings[3].message).toBe('1 virtual interface with 2 BGP sessions up loses its only path (dxvif-lastmem1pv).');
  });

  it('for one of two members with minimumLinks 1: AT_MINIMUM_LINKS, and no BGP warning when the only session is down', async () => {
    const result = await disassociate({ connectionId: 'dxcon-macsec1a', lagId: 'dxlag-macsec01', dryRun: true });
    expect(codes(result)).toEqual(['AT_MINIMUM_LINKS']);
    expect(result.impact.warnings[0].message).toContain('1 operational connection, exactly its minimumLinks of 1: one more failure takes it down');
    expect(result.impact).toMatchObject({ capacityBeforeGbps: 20, capacityAfterGbps: 10, bgpSessionsUp: 0 });
  });

  it("for a partner's member: BECOMES_INTERCONNECT, with the hosted connections that stay on the LAG", async () => {
    const result = await disassociate({ connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01', region: 'eu-west-1', dryRun: true });
    expect(codes(result)).toContain('BECOMES_INTERCONNECT');
    expect(result.impact.hostedConnectionsStaying).toEqual([{ connectionId: 'dxcon-hosted01' }, { connectionId: 'dxcon-hosted02' }]);
    expect(result.impact.warnings.find((w: { code: string }) => w.code === 'BECOMES_INTERCONNECT').message).toContain('2 hosted connections stay on the LAG');
  });

  it('on MinimumLinksViolation: what the refused disassociation would have done (LAG_GOES_DOWN), from the dry run and from AWS', async () => {
    for (const dryRun of [true, false]) {
      const result = await disassociate({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01', dryRun });
      expect(result.__typename).toBe('MinimumLinksViolation');
      expect(codes(result)).toEqual(['LAG_GOES_DOWN', 'BGP_SESSIONS_AFFECTED']);
      expect(result.impact).toMatchObject({ operationalConnectionsBefore: 2, operationalConnectionsAfter: 1, minimumLinks: 2, capacityAfterGbps: 10 });
      expect(result.impact.warnings[1].message).toBe('1 virtual interface with 1 BGP session up loses its only path (dxvif-minlnk1pv).');
    }
  });

  it('is the same on the real call as on the dry run, computed from the state just before the change', async () => {
    const dry = await disassociate({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01', dryRun: true });
    const real = await disassociate({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01', expectedPlanToken: dry.planToken });
    expect(real.dryRun).toBe(false);
    expect(real.impact).toEqual(dry.impact);
    // And the VIFs did stay with the LAG, now empty.
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-lastmem01") { numberOfConnections virtualInterfaces { virtualInterfaceId } } }`);
    expect(body.data.lag).toEqual({ numberOfConnections: 0, virtualInterfaces: [{ virtualInterfaceId: 'dxvif-lastmem1pb' }, { virtualInterfaceId: 'dxvif-lastmem1pv' }] });
  });

  it('names the DX gateways the LAG\'s VIFs reach and the transit and virtual private gateways behind them', async () => {
    const result = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(result.impact.directConnectGatewaysAffected).toEqual([
      { directConnectGatewayId: '5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37', directConnectGatewayName: 'dxgw-transit' },
      { directConnectGatewayId: '9c2d7b14-6e8a-4f03-b5d1-7a9e3c6f2b80', directConnectGatewayName: 'dxgw-private' },
    ]);
    expect(result.impact.associatedGatewaysAffected).toEqual([
      { id: 'tgw-0a1b2c3d4e5f60718', type: 'TRANSIT_GATEWAY', region: 'us-east-1' },
      { id: 'vgw-0a1b2c3d', type: 'VIRTUAL_PRIVATE_GATEWAY', region: 'us-east-1' },
      { id: 'vgw-4e5f6a7b', type: 'VIRTUAL_PRIVATE_GATEWAY', region: 'eu-west-1' },
    ]);
    // Three members at 1 Gbps egress each: a peak of 3 Gbps, well under the 20 Gbps that stay.
    expect(result.impact.trafficPeakGbps).toBe(3);
    expect(codes(result)).not.toContain('CAPACITY_BELOW_PEAK');
  });

  it('warns CAPACITY_BELOW_PEAK on the busy LAG, and the real call needs the dry run\'s plan', async () => {
    const input = { connectionId: 'dxcon-busy001a', lagId: 'dxlag-busy0001' };
    const dry = await disassociate({ ...input, dryRun: true });
    expect(dry.impact).toMatchObject({ trafficPeakGbps: 12, capacityBeforeGbps: 20, capacityAfterGbps: 10 });
    const warning = dry.impact.warnings.find((w: { code: string }) => w.code === 'CAPACITY_BELOW_PEAK');
    expect(warning.message).toBe(
      'LAG dxlag-busy0001 peaked at 12 Gbps in the last 60 minutes; afterwards its operational members carry 10 Gbps. ' +
        'Move traffic to another path first, or make the change when the traffic is lower.',
    );
    const refused = await disassociate(input);
    expect(refused).toMatchObject({ __typename: 'PlanRequired', code: 'PLAN_REQUIRED', warnings: [{ code: 'CAPACITY_BELOW_PEAK' }] });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
    const planned = await disassociate({ ...input, expectedPlanToken: dry.planToken });
    expect(planned).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', dryRun: false });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(1);
  });

  it('keeps a clientRequestId free after PlanRequired, for the same input with the plan it asks for', async () => {
    const input = { connectionId: 'dxcon-busy001a', lagId: 'dxlag-busy0001', clientRequestId: 'busy-window-1' };
    expect(await disassociate(input)).toMatchObject({ __typename: 'PlanRequired' });
    const dry = await disassociate({ connectionId: input.connectionId, lagId: input.lagId, dryRun: true });
    const planned = await disassociate({ ...input, expectedPlanToken: dry.planToken });
    expect(planned).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', dryRun: false });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(1);
  });

  it('warns MAINTENANCE_ON_REMAINING_PATH on the maintenance LAG when a member without the event leaves', async () => {
    const result = await disassociate({ connectionId: 'dxcon-maint01a', lagId: 'dxlag-maint001', dryRun: true });
    expect(result.impact.maintenanceEvents).toEqual([
      expect.objectContaining({ eventTypeCode: 'AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED', statusCode: 'UPCOMING', affectedResourceIds: ['dxcon-maint01c'] }),
    ]);
    const warning = result.impact.warnings.find((w: { code: string }) => w.code === 'MAINTENANCE_ON_REMAINING_PATH');
    expect(warning.message).toContain('upcoming AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED on dxcon-maint01c');
    expect(await disassociate({ connectionId: 'dxcon-maint01a', lagId: 'dxlag-maint001' })).toMatchObject({
      __typename: 'PlanRequired',
      warnings: [{ code: 'MAINTENANCE_ON_REMAINING_PATH' }],
    });
    // The member under maintenance itself may leave: the path that stays has none.
    const leaving = await disassociate({ connectionId: 'dxcon-maint01c', lagId: 'dxlag-maint001', dryRun: true });
    expect(leaving.impact.maintenanceEvents).toHaveLength(1);
    expect(codes(leaving)).not.toContain('MAINTENANCE_ON_REMAINING_PATH');
  });

  it('warns TRAFFIC_UNKNOWN when CloudWatch fails, and MAINTENANCE_UNKNOWN without a Health subscription, and still answers', async () => {
    await gw.fault({ type: 'server-error', operation: 'GetMetricData' });
    await control('health-subscription', { enabled: false });
    const result = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(result.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(result.impact.trafficPeakGbps).toBeNull();
    expect(result.impact.maintenanceEvents).toEqual([]);
    const byCode = Object.fromEntries(result.impact.warnings.map((w: { code: string; message: string }) => [w.code, w.message]));
    expect(byCode.TRAFFIC_UNKNOWN).toContain('CloudWatch failed with a server error');
    expect(byCode.MAINTENANCE_UNKNOWN).toContain('SubscriptionRequiredException');
    // Neither is grave by default: the real call goes through without a plan.
    expect((await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' })).__typename).toBe('DisassociateConnectionFromLagSuccess');
  });

  it('throttled CloudWatch is TRAFFIC_UNKNOWN too, saying so', async () => {
    await gw.fault({ type: 'throttle', operation: 'GetMetricData' });
    const result = await disassociate({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true });
    expect(result.impact.warnings.find((w: { code: string }) => w.code === 'TRAFFIC_UNKNOWN').message).toContain('throttled');
  });
});

async function control(path: string, body: unknown) {
  const response = await fetch(`${gw.emulatorUrl}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}
