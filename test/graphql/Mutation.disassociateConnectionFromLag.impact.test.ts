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
  warnings { code message }
}`;

async function disassociate(input: Record<string, unknown>) {
  const { body } = await gw.graphql(
    `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) {
      __typename
      ... on DisassociateConnectionFromLagSuccess { dryRun ${IMPACT} }
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

  it("for the last member: LAG_EMPTIED, LAG_GOES_DOWN and BGP_SESSIONS_AFFECTED, listing the VIFs that lose their path", async () => {
    const result = await disassociate({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01', dryRun: true });
    expect(codes(result)).toEqual(['LAG_EMPTIED', 'LAG_GOES_DOWN', 'BGP_SESSIONS_AFFECTED']);
    expect(result.impact).toMatchObject({ operationalConnectionsBefore: 1, operationalConnectionsAfter: 0, capacityBeforeGbps: 10, capacityAfterGbps: 0, bgpSessionsUp: 2 });
    expect(result.impact.virtualInterfacesStaying).toEqual([
      { virtualInterfaceId: 'dxvif-lastmem1pb', bgpPeers: [expect.objectContaining({ bgpStatus: 'DOWN' })] },
      { virtualInterfaceId: 'dxvif-lastmem1pv', bgpPeers: [expect.objectContaining({ bgpStatus: 'UP' }), expect.objectContaining({ bgpStatus: 'UP' })] },
    ]);
    expect(result.impact.warnings[0].message).toContain('2 virtual interfaces (dxvif-lastmem1pb, dxvif-lastmem1pv) lose their only path');
    expect(result.impact.warnings[2].message).toBe('1 virtual interface with 2 BGP sessions up loses its only path (dxvif-lastmem1pv).');
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
    const real = await disassociate({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01' });
    expect(real.dryRun).toBe(false);
    expect(real.impact).toEqual(dry.impact);
    // And the VIFs did stay with the LAG, now empty.
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-lastmem01") { numberOfConnections virtualInterfaces { virtualInterfaceId } } }`);
    expect(body.data.lag).toEqual({ numberOfConnections: 0, virtualInterfaces: [{ virtualInterfaceId: 'dxvif-lastmem1pb' }, { virtualInterfaceId: 'dxvif-lastmem1pv' }] });
  });
});
