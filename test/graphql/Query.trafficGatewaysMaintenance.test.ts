import { describe, expect, it } from 'vitest';
import { totalCalls, useTestGateway, type TestGateway } from '../helpers/gateway.js';

// What a change touches, as queries see it (docs/contract.md, "Schema"): Direct
// Connect gateways with their associations and attachments, traffic from CloudWatch
// on connections, LAGs and VIFs, and AWS's maintenance from AWS Health, over real HTTP
// against npm start's wiring and the demo seed. Failures of CloudWatch and Health are
// "unknown", never an error of the query. In the impact: the mutations' own tests.

const gw = useTestGateway();

const TRANSIT = '5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37';
const PRIVATE = '9c2d7b14-6e8a-4f03-b5d1-7a9e3c6f2b80';

async function control(gateway: TestGateway, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${gateway.emulatorUrl}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const TRAFFIC = 'windowMinutes periodSeconds egressPeakGbps ingressPeakGbps egressAverageGbps ingressAverageGbps known unknownReason';

describe('Query.directConnectGateways and Query.directConnectGateway', () => {
  it('lists the demo gateways with every field, their associations and the VIFs attached to them', async () => {
    const { body } = await gw.graphql(`{
      directConnectGateways {
        directConnectGatewayId directConnectGatewayName amazonSideAsn ownerAccount directConnectGatewayState stateChangeError tags { key value }
        associations {
          directConnectGatewayId directConnectGatewayOwnerAccount associationState associationId stateChangeError
          associatedGateway { id type ownerAccount region }
          allowedPrefixesToDirectConnectGateway { cidr }
          associatedCoreNetwork { id }
          virtualGatewayId virtualGatewayRegion virtualGatewayOwnerAccount
        }
        attachments { directConnectGatewayId virtualInterfaceId virtualInterfaceRegion virtualInterfaceOwnerAccount attachmentState attachmentType stateChangeError }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const gateways = body.data.directConnectGateways as Array<Record<string, any>>;
    expect(gateways.map((g) => [g.directConnectGatewayId, g.directConnectGatewayName, g.amazonSideAsn, g.directConnectGatewayState]).sort()).toEqual([
      [TRANSIT, 'dxgw-transit', 64512, 'AVAILABLE'],
      [PRIVATE, 'dxgw-private', 64513, 'AVAILABLE'],
      ['d3a9f6b1-7c2e-4e58-b0d4-1f6a8c3e5b92', 'dxgw-solo', 64514, 'AVAILABLE'],
    ].sort());
    const transit = gateways.find((g) => g.directConnectGatewayId === TRANSIT)!;
    expect(transit.associations).toEqual([
      expect.objectContaining({
        associationState: 'ASSOCIATED',
        associatedGateway: { id: 'tgw-0a1b2c3d4e5f60718', type: 'TRANSIT_GATEWAY', ownerAccount: '123456789012', region: 'us-east-1' },
        allowedPrefixesToDirectConnectGateway: [{ cidr: '10.0.0.0/16' }, { cidr: '10.1.0.0/16' }],
      }),
    ]);
    // Every transit VIF of both regions, and nothing else.
    expect(transit.attachments.map((a: { virtualInterfaceId: string; virtualInterfaceRegion: string; attachmentType: string; attachmentState: string }) =>
      [a.virtualInterfaceId, a.virtualInterfaceRegion, a.attachmentType, a.attachmentState]).sort()).toEqual([
      ['dxvif-allow01tr', 'us-east-1', 'TRANSIT_VIRTUAL_INTERFACE', 'ATTACHED'],
      ['dxvif-eustand1tr', 'eu-west-1', 'TRANSIT_VIRTUAL_INTERFACE', 'ATTACHED'],
      ['dxvif-maint01tr', 'us-east-1', 'TRANSIT_VIRTUAL_INTERFACE', 'ATTACHED'],
    ]);
    const associatedPrivate = gateways.find((g) => g.directConnectGatewayId === PRIVATE)!.associations;
    expect(associatedPrivate.map((a: { associatedGateway: { id: string; type: string; region: string } }) => a.associatedGateway).sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id))).toEqual([
      { id: 'vgw-0a1b2c3d', type: 'VIRTUAL_PRIVATE_GATEWAY', ownerAccount: '123456789012', region: 'us-east-1' },
      { id: 'vgw-4e5f6a7b', type: 'VIRTUAL_PRIVATE_GATEWAY', ownerAccount: '123456789012', region: 'eu-west-1' },
    ]);
    // One listing of the gateways, and one run of each per gateway (AWS lists them per gateway only).
    expect(await gw.awsCalls()).toEqual({ DescribeDirectConnectGateways: 1, DescribeDirectConnectGatewayAssociations: 3, DescribeDirectConnectGatewayAttachments: 3 });
  });

  it('finds one gateway by ID, answers null for an unknown one, and refuses a malformed ID before AWS', async () => {
    const { body } = await gw.graphql(`{
      one: directConnectGateway(directConnectGatewayId: "${PRIVATE}") { directConnectGatewayName }
      none: directConnectGateway(directConnectGatewayId: "00000000-0000-4000-8000-000000000000") { directConnectGatewayName }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ one: { directConnectGatewayName: 'dxgw-private' }, none: null });
    expect(await gw.awsCalls()).toEqual({ DescribeDirectConnectGateways: 1 });
    await gw.reset();
    for (const bad of ['dxgw-1234', '5F0C8E2A-3B1D-4C7E-9A6F-2D4B8C1E0A37', '']) {
      const refused = await gw.graphql(`query($id: ID!) { directConnectGateway(directConnectGatewayId: $id) { directConnectGatewayId } }`, { id: bad });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.body.errors?.[0]?.message).toContain('is not a Direct Connect gateway ID');
    }
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it("links a VIF to its DX gateway, from the same one listing for every VIF", async () => {
    const { body } = await gw.graphql(`{ virtualInterfaces { virtualInterfaceId virtualInterfaceType directConnectGateway { directConnectGatewayName } } }`);
    expect(body.errors).toBeUndefined();
    for (const vif of body.data.virtualInterfaces) {
      const expected =
        vif.virtualInterfaceType === 'public'
          ? null
          : { directConnectGatewayName: vif.virtualInterfaceId === 'dxvif-solo01pv' ? 'dxgw-solo' : vif.virtualInterfaceType === 'transit' ? 'dxgw-transit' : 'dxgw-private' };
      expect(vif.directConnectGateway, vif.virtualInterfaceId).toEqual(expected);
    }
    expect(await gw.awsCalls()).toEqual({ DescribeVirtualInterfaces: 1, DescribeDirectConnectGateways: 1 });
  });
});

describe('traffic', () => {
  it('sums a LAG\'s members per minute, and answers every series of the query with one GetMetricData call', async () => {
    const { body } = await gw.graphql(`{
      lag(lagId: "dxlag-busy0001") {
        traffic { ${TRAFFIC} }
        connections { connectionId traffic(windowMinutes: 60) { egressPeakGbps ingressPeakGbps known } }
        virtualInterfaces { virtualInterfaceId traffic { egressPeakGbps known } }
      }
      connection(connectionId: "dxcon-standal1") { traffic(windowMinutes: 15) { windowMinutes egressPeakGbps known } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.lag.traffic).toEqual({
      windowMinutes: 60,
      periodSeconds: 60,
      egressPeakGbps: 12,
      ingressPeakGbps: 8,
      egressAverageGbps: 12,
      ingressAverageGbps: 8,
      known: true,
      unknownReason: null,
    });
    expect(body.data.lag.connections).toEqual([
      { connectionId: 'dxcon-busy001a', traffic: { egressPeakGbps: 6, ingressPeakGbps: 4, known: true } },
      { connectionId: 'dxcon-busy001b', traffic: { egressPeakGbps: 6, ingressPeakGbps: 4, known: true } },
    ]);
    expect(body.data.lag.virtualInterfaces[0].traffic.known).toBe(true);
    expect(body.data.connection.traffic).toEqual({ windowMinutes: 15, egressPeakGbps: 0.2, known: true });
    // The 60-minute series in one call; the 15-minute window is a call of its own.
    expect((await gw.awsCalls()).GetMetricData).toBe(2);
  });

  it('follows a rate the emulator is told of', async () => {
    await control(gw, 'traffic', { region: 'us-east-1', resourceId: 'dxcon-standal1', egressGbps: 0.75, ingressGbps: 0.25 });
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-standal1") { traffic { egressPeakGbps ingressPeakGbps egressAverageGbps known } } }`);
    expect(body.data.connection.traffic).toEqual({ egressPeakGbps: 0.75, ingressPeakGbps: 0.25, egressAverageGbps: 0.75, known: true });
  });

  it.each([0, 1441, -5])('refuses windowMinutes %d before AWS', async (windowMinutes) => {
    const { body } = await gw.graphql(`query($w: Int!) { connection(connectionId: "dxcon-standal1") { connectionId traffic(windowMinutes: $w) { known } } }`, { w: windowMinutes });
    const error = body.errors?.find((e) => e.path?.includes('traffic'));
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('use 1 to 1440 minutes');
    expect((await gw.awsCalls()).GetMetricData ?? 0).toBe(0);
  });

  it.each([
    ['server-error', 'CloudWatch failed with a server error'],
    ['throttle', 'CloudWatch throttled'],
  ])('answers known: false, not an error, when CloudWatch fails with %s', async (type, reason) => {
    await gw.fault({ type, operation: 'GetMetricData' });
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-allow001") { lagId traffic { ${TRAFFIC} } connections { traffic { known unknownReason } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.lag.traffic).toMatchObject({ known: false, egressPeakGbps: null, ingressPeakGbps: null, egressAverageGbps: null, ingressAverageGbps: null });
    expect(body.data.lag.traffic.unknownReason).toContain(reason);
    for (const member of body.data.lag.connections) expect(member.traffic.known).toBe(false);
  });

  it('covers a window as short as one minute', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-standal1") { traffic(windowMinutes: 1) { known egressPeakGbps } } }`);
    expect(body.data.connection.traffic).toEqual({ known: true, egressPeakGbps: 0.2 });
  });

  it('leaves a member that is not available out of its LAG\'s sum: it carries nothing', async () => {
    await control(gw, 'connection-state', { region: 'us-east-1', connectionId: 'dxcon-busy001b', connectionState: 'down' });
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-busy0001") { traffic { known egressPeakGbps } } }`);
    expect(body.data.lag.traffic).toEqual({ known: true, egressPeakGbps: 6 });
  });
});

describe('maintenance', () => {
  it('lists the open and upcoming events of a region and finds them on the LAG and the member they name', async () => {
    const { body } = await gw.graphql(`{
      maintenanceEvents { eventArn eventTypeCode statusCode startTime endTime region affectedResourceIds }
      maintenance { known unknownReason events { eventArn } }
      lag(lagId: "dxlag-maint001") { maintenanceEvents { affectedResourceIds } connections { connectionId maintenanceEvents { statusCode } } }
      other: lag(lagId: "dxlag-allow001") { maintenanceEvents { eventArn } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.maintenanceEvents).toEqual([
      {
        eventArn: expect.stringMatching(/^arn:aws:health:us-east-1::event\/DIRECTCONNECT\/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED\//),
        eventTypeCode: 'AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED',
        statusCode: 'UPCOMING',
        startTime: expect.any(String),
        endTime: expect.any(String),
        region: 'us-east-1',
        affectedResourceIds: ['dxcon-maint01c'],
      },
    ]);
    const [event] = body.data.maintenanceEvents;
    expect(Date.parse(event.endTime) - Date.parse(event.startTime)).toBe(4 * 3_600_000);
    expect(body.data.maintenance).toEqual({ known: true, unknownReason: null, events: [{ eventArn: event.eventArn }] });
    expect(body.data.lag.maintenanceEvents).toEqual([{ affectedResourceIds: ['dxcon-maint01c'] }]);
    expect(body.data.lag.connections.map((c: { maintenanceEvents: unknown[] }) => c.maintenanceEvents.length)).toEqual([0, 0, 1]);
    // The closed event on dxcon-allow01b is over: not listed.
    expect(body.data.other.maintenanceEvents).toEqual([]);
    expect(await gw.awsCalls()).toMatchObject({ DescribeEvents: 1, DescribeAffectedEntities: 1 });
  });

  it('is unknown, not an error, without a Health subscription, and says why', async () => {
    await control(gw, 'health-subscription', { enabled: false });
    const { body } = await gw.graphql(`{
      maintenanceEvents { eventArn }
      maintenance { known unknownReason events { eventArn } }
      lag(lagId: "dxlag-maint001") { maintenanceEvents { eventArn } maintenance { known unknownReason } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.maintenanceEvents).toEqual([]);
    expect(body.data.maintenance.known).toBe(false);
    expect(body.data.maintenance.unknownReason).toContain('SubscriptionRequiredException');
    expect(body.data.lag.maintenance.known).toBe(false);
  });

  it('is unknown when Health fails, and refuses an unserved region', async () => {
    await gw.fault({ type: 'server-error', operation: 'DescribeEvents' });
    const { body } = await gw.graphql(`{ maintenance { known unknownReason } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.maintenance.known).toBe(false);
    expect(body.data.maintenance.unknownReason).toContain('AWS Health could not be read');
    const unserved = await gw.graphql(`{ maintenanceEvents(region: "ap-south-1") { eventArn } }`);
    expect(unserved.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
