import {
  AssociateConnectionWithLagCommand,
  CreateLagCommand,
  DeleteLagCommand,
  DescribeLagsCommand,
  DescribeVirtualInterfacesCommand,
  DisassociateConnectionFromLagCommand,
  type DirectConnectClient,
  type VirtualInterface,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { awsCli, awsCliAvailable } from '../helpers/awsCli.js';
import { LARGE_VIFS_PER_REGION, SEEDED_SECRET_MARKER } from '../../src/emulator/seed.js';
import { expectClientError, sleep, useEmulator, UUID } from '../helpers/emulator.js';

// The emulator's DescribeVirtualInterfaces, the AWS operation, through the real SDK
// and the AWS CLI (docs/aws-behaviour.md, "Virtual interfaces and secrets"), and how
// VIFs follow Associate/Disassociate/CreateLag/DeleteLag.

const TRANSITION_MS = 200;
const h = useEmulator({ transitionMs: TRANSITION_MS });

const describeVifs = (input: { connectionId?: string; virtualInterfaceId?: string; maxResults?: number; nextToken?: string } = {}, region = 'us-east-1') =>
  h.client(region).send(new DescribeVirtualInterfacesCommand(input));

const ids = (vifs: VirtualInterface[] | undefined) => vifs?.map((v) => v.virtualInterfaceId);

describe('DescribeVirtualInterfaces', () => {
  it('lists every VIF of the region in ID order, on one page without maxResults', async () => {
    const result = await describeVifs();
    expect(result.$metadata.requestId).toMatch(UUID);
    expect(result.nextToken).toBeUndefined();
    expect(ids(result.virtualInterfaces)).toEqual([
      'dxvif-allow01pv', 'dxvif-allow01tr', 'dxvif-assoc01pv', 'dxvif-busy01pv', 'dxvif-lastmem1pb', 'dxvif-lastmem1pv',
      'dxvif-macsec1pv', 'dxvif-maint01tr', 'dxvif-minlnk1pv', 'dxvif-solo01pv', 'dxvif-standal1pv',
    ]);
    expect(result.virtualInterfaces?.every((v) => v.region === 'us-east-1' && v.ownerAccount === '123456789012')).toBe(true);
    const eu = await describeVifs({}, 'eu-west-1');
    expect(ids(eu.virtualInterfaces)).toEqual(['dxvif-eustand1tr', 'dxvif-euwest1pv']);
  });

  it('describes a VIF on a LAG with the LAG ID as its connectionId and its BGP peers in full', async () => {
    const { virtualInterfaces } = await describeVifs({ virtualInterfaceId: 'dxvif-allow01pv' });
    expect(virtualInterfaces).toHaveLength(1);
    const vif = virtualInterfaces?.[0];
    expect(vif).toMatchObject({
      virtualInterfaceId: 'dxvif-allow01pv',
      connectionId: 'dxlag-allow001',
      location: 'EqDC2',
      virtualInterfaceType: 'private',
      vlan: 101,
      asn: 65001,
      asnLong: 65001,
      amazonSideAsn: 64512,
      virtualInterfaceState: 'available',
      mtu: 8500,
      jumboFrameCapable: true,
      // Attached to dxgw-private: every demo private VIF is on a Direct Connect gateway.
      directConnectGatewayId: '9c2d7b14-6e8a-4f03-b5d1-7a9e3c6f2b80',
      routeFilterPrefixes: [],
      siteLinkEnabled: false,
      tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'netops' }],
    });
    expect(vif).not.toHaveProperty('virtualGatewayId');
    expect(vif?.bgpPeers?.map((p) => [p.bgpPeerId, p.addressFamily, p.bgpPeerState, p.bgpStatus])).toEqual([
      ['dxpeer-allow01pv4', 'ipv4', 'available', 'up'],
      ['dxpeer-allow01pv6', 'ipv6', 'available', 'up'],
    ]);
  });

  it('mirrors the first BGP peer in the VIF-level fields, as AWS reports them', async () => {
    const { virtualInterfaces } = await describeVifs();
    for (const vif of virtualInterfaces ?? []) {
      const first = vif.bgpPeers?.[0];
      expect(first, vif.virtualInterfaceId).toBeDefined();
      for (const member of ['asn', 'authKey', 'addressFamily', 'amazonAddress', 'customerAddress'] as const) {
        expect(vif[member], `${vif.virtualInterfaceId} ${member}`).toBe(first?.[member]);
      }
    }
  });

  it('hands out the BGP keys, which AWS sends too: on the VIF, on each peer and inside customerRouterConfig', async () => {
    const { virtualInterfaces } = await describeVifs({ virtualInterfaceId: 'dxvif-allow01pv' });
    const vif = virtualInterfaces?.[0];
    const keys = vif?.bgpPeers?.map((p) => p.authKey);
    expect(keys).toEqual([`${SEEDED_SECRET_MARKER}allow01pv-ipv4`, `${SEEDED_SECRET_MARKER}allow01pv-ipv6`]);
    expect(vif?.authKey).toBe(keys?.[0]);
    for (const key of keys ?? []) expect(vif?.customerRouterConfig).toContain(key);
    expect(vif?.customerRouterConfig).toMatch(/^<\?xml [^]*<logical_connection id="dxvif-allow01pv">[^]*<vlan>101<\/vlan>/);
  });

  it('reports the seeded BGP status of every peer, down and unknown included', async () => {
    const status = async (region: string) =>
      Object.fromEntries(
        ((await describeVifs({}, region)).virtualInterfaces ?? []).map((v) => [v.virtualInterfaceId, v.bgpPeers?.map((p) => p.bgpStatus)]),
      );
    expect(await status('us-east-1')).toEqual({
      'dxvif-allow01pv': ['up', 'up'],
      'dxvif-allow01tr': ['up'],
      'dxvif-assoc01pv': ['up'],
      'dxvif-busy01pv': ['up'],
      'dxvif-lastmem1pb': ['down'],
      'dxvif-lastmem1pv': ['up', 'up'],
      'dxvif-macsec1pv': ['down'],
      'dxvif-maint01tr': ['up'],
      'dxvif-minlnk1pv': ['up'],
      'dxvif-solo01pv': ['up'],
      'dxvif-standal1pv': ['up'],
    });
    expect(await status('eu-west-1')).toEqual({ 'dxvif-eustand1tr': ['up', 'unknown'], 'dxvif-euwest1pv': ['up'] });
  });

  it('describes a public VIF with its route filter prefixes and a transit VIF with its Direct Connect gateway', async () => {
    const [pub] = (await describeVifs({ virtualInterfaceId: 'dxvif-lastmem1pb' })).virtualInterfaces ?? [];
    expect(pub).toMatchObject({ virtualInterfaceType: 'public', mtu: 1500, jumboFrameCapable: false });
    expect(pub?.routeFilterPrefixes?.length).toBeGreaterThan(0);
    expect(pub?.routeFilterPrefixes?.every((p) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(p.cidr ?? ''))).toBe(true);
    const [transit] = (await describeVifs({ virtualInterfaceId: 'dxvif-allow01tr' })).virtualInterfaces ?? [];
    expect(transit?.virtualInterfaceType).toBe('transit');
    expect(transit?.directConnectGatewayId, 'dxgw-transit').toBe('5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37');
    expect(transit).not.toHaveProperty('virtualGatewayId');
  });

  it('lists the VIFs on a LAG by its LAG ID, and none on a LAG without any', async () => {
    expect(ids((await describeVifs({ connectionId: 'dxlag-allow001' })).virtualInterfaces)).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
    expect(ids((await describeVifs({ connectionId: 'dxlag-lastmem01' })).virtualInterfaces)).toEqual(['dxvif-lastmem1pb', 'dxvif-lastmem1pv']);
    expect((await describeVifs({ connectionId: 'dxlag-empty001' })).virtualInterfaces).toEqual([]);
    expect((await describeVifs({ connectionId: 'dxlag-partner01' }, 'eu-west-1')).virtualInterfaces).toEqual([]);
  });

  it('lists the VIFs on a standalone connection, and none on a LAG member, whose LAG carries them', async () => {
    const standalone = await describeVifs({ connectionId: 'dxcon-standal1' });
    expect(ids(standalone.virtualInterfaces)).toEqual(['dxvif-standal1pv']);
    expect(standalone.virtualInterfaces?.[0]?.connectionId).toBe('dxcon-standal1');
    expect((await describeVifs({ connectionId: 'dxcon-standal2' })).virtualInterfaces).toEqual([]);
    expect((await describeVifs({ connectionId: 'dxcon-allow01a' })).virtualInterfaces).toEqual([]);
  });

  it('with both filters answers the VIF only if it rides on that connection or LAG', async () => {
    expect(ids((await describeVifs({ connectionId: 'dxlag-allow001', virtualInterfaceId: 'dxvif-allow01tr' })).virtualInterfaces)).toEqual([
      'dxvif-allow01tr',
    ]);
    expect((await describeVifs({ connectionId: 'dxlag-minlink01', virtualInterfaceId: 'dxvif-allow01tr' })).virtualInterfaces).toEqual([]);
  });

  it('pages with maxResults and nextToken', async () => {
    const first = await describeVifs({ maxResults: 4 });
    expect(ids(first.virtualInterfaces)).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr', 'dxvif-assoc01pv', 'dxvif-busy01pv']);
    const second = await describeVifs({ maxResults: 4, nextToken: first.nextToken });
    const third = await describeVifs({ maxResults: 4, nextToken: second.nextToken });
    expect(ids(third.virtualInterfaces)).toEqual(['dxvif-minlnk1pv', 'dxvif-solo01pv', 'dxvif-standal1pv']);
    expect(third.nextToken).toBeUndefined();
  });

  describe('refusals, in AWS\'s error shape', () => {
    it('rejects a malformed VIF ID in the connection form', async () => {
      await expectClientError(describeVifs({ virtualInterfaceId: 'foobar' }), 'Virtual interface ID foobar has an invalid format.');
      await expectClientError(describeVifs({ virtualInterfaceId: 'dxvif-ABCDEFGH' }), 'Virtual interface ID dxvif-ABCDEFGH has an invalid format.');
      await expectClientError(describeVifs({ virtualInterfaceId: 'dxcon-standal1' }), 'Virtual interface ID dxcon-standal1 has an invalid format.');
    });

    it('says "Could not find Virtual Interface with ID" (the emulator\'s wording) for an unknown VIF or one of another region', async () => {
      await expectClientError(describeVifs({ virtualInterfaceId: 'dxvif-nosuch01' }), 'Could not find Virtual Interface with ID dxvif-nosuch01');
      await expectClientError(
        describeVifs({ virtualInterfaceId: 'dxvif-allow01pv' }, 'eu-west-1'),
        'Could not find Virtual Interface with ID dxvif-allow01pv',
      );
    });

    it('answers an unknown connection or LAG as DescribeConnections and DescribeLags do', async () => {
      await expectClientError(describeVifs({ connectionId: 'dxcon-nosuch01' }), 'Could not find Connection with ID dxcon-nosuch01');
      await expectClientError(describeVifs({ connectionId: 'dxlag-nosuch01' }), 'Could not find Lag with ID dxlag-nosuch01');
      // Hosted connections belong to other accounts, and so do their VIFs.
      await expectClientError(describeVifs({ connectionId: 'dxcon-hosted01' }, 'eu-west-1'), 'Could not find Connection with ID dxcon-hosted01');
    });

    it('rejects a malformed connectionId with AWS\'s invalid-format message', async () => {
      await expectClientError(describeVifs({ connectionId: 'foobar' }), 'Connection ID foobar has an invalid format.');
      await expectClientError(describeVifs({ connectionId: 'dxvif-allow01pv' }), 'Connection ID dxvif-allow01pv has an invalid format.');
    });

    it('refuses maxResults outside 1..100', async () => {
      for (const maxResults of [0, 101]) {
        await expectClientError(describeVifs({ maxResults }), `maxResults must be between 1 and 100; got ${maxResults}.`);
      }
    });
  });
});

describe('virtual interfaces and LAG membership', () => {
  const associate = (connectionId: string, lagId: string, region = 'us-east-1') =>
    h.client(region).send(new AssociateConnectionWithLagCommand({ connectionId, lagId }));
  const disassociate = (connectionId: string, lagId: string, region = 'us-east-1') =>
    h.client(region).send(new DisassociateConnectionFromLagCommand({ connectionId, lagId }));
  const on = async (connectionId: string, region = 'us-east-1') => ids((await describeVifs({ connectionId }, region)).virtualInterfaces);

  it('leaves the VIFs with the LAG when a member is disassociated: they ride on the LAG ID', async () => {
    await disassociate('dxcon-allow01b', 'dxlag-allow001');
    expect(await on('dxlag-allow001')).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
    expect(await on('dxcon-allow01b')).toEqual([]);
  });

  it('leaves the VIFs with a LAG whose last member left, and then DeleteLag refuses it', async () => {
    await disassociate('dxcon-lastmem1a', 'dxlag-lastmem01');
    expect(await on('dxlag-lastmem01')).toEqual(['dxvif-lastmem1pb', 'dxvif-lastmem1pv']);
    await expectClientError(
      h.client().send(new DeleteLagCommand({ lagId: 'dxlag-lastmem01' })),
      'Lag dxlag-lastmem01 still has 2 virtual interface(s); delete them first.',
    );
    // Emptied, it has fewer operational members (none) than its minimumLinks of 1.
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-lastmem01' }));
    expect(lags?.[0]?.lagState).toBe('down');
  });

  it('moves the VIFs of a standalone connection to the LAG it joins, and they stay when it leaves again', async () => {
    // dxcon-eustand1 is a 10G connection on the EU LAG's endpoint, so it may join.
    const joined = await associate('dxcon-eustand1', 'dxlag-euwest01', 'eu-west-1');
    expect(joined.lagId).toBe('dxlag-euwest01');
    expect(await on('dxcon-eustand1', 'eu-west-1')).toEqual([]);
    expect(await on('dxlag-euwest01', 'eu-west-1')).toEqual(['dxvif-eustand1tr', 'dxvif-euwest1pv']);
    const [moved] = (await describeVifs({ virtualInterfaceId: 'dxvif-eustand1tr' }, 'eu-west-1')).virtualInterfaces ?? [];
    expect(moved?.connectionId).toBe('dxlag-euwest01');

    await sleep(TRANSITION_MS + 50);
    await disassociate('dxcon-eustand1', 'dxlag-euwest01', 'eu-west-1');
    expect(await on('dxlag-euwest01', 'eu-west-1')).toEqual(['dxvif-eustand1tr', 'dxvif-euwest1pv']);
    expect(await on('dxcon-eustand1', 'eu-west-1')).toEqual([]);
  });

  it('keeps the VIFs of the LAG a member leaves for another LAG with the LAG it left', async () => {
    await associate('dxcon-allow01a', 'dxlag-empty001');
    expect(await on('dxlag-allow001')).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
    expect(await on('dxlag-empty001')).toEqual([]);
  });

  it('moves the VIFs of a connection a new LAG is created from', async () => {
    const created = await h.client().send(
      new CreateLagCommand({ numberOfConnections: 1, location: 'EqDC2', connectionsBandwidth: '1Gbps', lagName: 'from standalone', connectionId: 'dxcon-standal1' }),
    );
    expect(await on(created.lagId ?? '')).toEqual(['dxvif-standal1pv']);
    expect(await on('dxcon-standal1')).toEqual([]);
  });
});

describe('paging on the large seed', () => {
  const large = useEmulator({ seed: 'large' });

  async function allPages(client: DirectConnectClient, maxResults: number, connectionId?: string): Promise<VirtualInterface[][]> {
    const pages: VirtualInterface[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new DescribeVirtualInterfacesCommand({ maxResults, nextToken, connectionId }));
      pages.push(page.virtualInterfaces ?? []);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return pages;
  }

  it('seeds more than a page of VIFs in every region, each on a LAG or a standalone connection', async () => {
    expect(LARGE_VIFS_PER_REGION).toBeGreaterThan(100);
    for (const region of large.emulator.regions()) {
      const client = large.client(region);
      const { virtualInterfaces } = await client.send(new DescribeVirtualInterfacesCommand({}));
      expect(virtualInterfaces, region).toHaveLength(LARGE_VIFS_PER_REGION);
      expect(virtualInterfaces?.every((v) => /^dxlag-|^dxcon-/.test(v.connectionId ?? '')), region).toBe(true);
      const statuses = new Set(virtualInterfaces?.flatMap((v) => v.bgpPeers?.map((p) => p.bgpStatus)));
      expect(statuses, region).toEqual(new Set(['up', 'down']));
    }
  });

  it('hands out every VIF exactly once in pages of at most maxResults', async () => {
    const client = large.client('us-west-2');
    const { virtualInterfaces: everything } = await client.send(new DescribeVirtualInterfacesCommand({}));
    const pages = await allPages(client, 100);
    expect(pages.map((p) => p.length)).toEqual([100, LARGE_VIFS_PER_REGION - 100]);
    const seen = ids(pages.flat()) ?? [];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(ids(everything));
    const small = await allPages(client, 7);
    expect(small.every((p) => p.length <= 7)).toBe(true);
    expect(ids(small.flat())).toEqual(seen);
  });

  it('pages the VIFs of one LAG too', async () => {
    const client = large.client();
    const { lags } = await client.send(new DescribeLagsCommand({ maxResults: 1 }));
    const pages = await allPages(client, 1, lags?.[0]?.lagId);
    expect(pages.map((p) => p.length)).toEqual([1, 1]);
  });

  it('refuses a token of another operation or of another connection filter', async () => {
    const invalid = 'The nextToken provided is not valid for this request.';
    const client = large.client();
    const lagsPage = await client.send(new DescribeLagsCommand({ maxResults: 10 }));
    await expectClientError(client.send(new DescribeVirtualInterfacesCommand({ maxResults: 10, nextToken: lagsPage.nextToken })), invalid);
    const vifsPage = await client.send(new DescribeVirtualInterfacesCommand({ maxResults: 10 }));
    const lagId = lagsPage.lags?.[0]?.lagId;
    await expectClientError(
      client.send(new DescribeVirtualInterfacesCommand({ maxResults: 10, nextToken: vifsPage.nextToken, connectionId: lagId })),
      invalid,
    );
  });
});

// The AWS CLI (botocore underneath) reads the emulator's VIFs like the JS SDK does.
describe.skipIf(!awsCliAvailable)('the AWS CLI against the emulator', () => {
  // Async on purpose: the emulator answers from this same process.
  const aws = <T>(...args: string[]): Promise<T> => awsCli<T>(h.url, 'us-east-1', ...args);
  type Vifs = { virtualInterfaces: Array<{ virtualInterfaceId: string; connectionId: string; bgpPeers: Array<{ bgpStatus: string }> }>; nextToken?: string };

  it('describes every VIF of the region with its peers', async () => {
    const { virtualInterfaces } = await aws<Vifs>('describe-virtual-interfaces');
    expect(virtualInterfaces.map((v) => v.virtualInterfaceId)).toHaveLength(11);
    expect(virtualInterfaces.find((v) => v.virtualInterfaceId === 'dxvif-lastmem1pb')).toMatchObject({
      connectionId: 'dxlag-lastmem01',
      bgpPeers: [{ bgpStatus: 'down' }],
    });
  });

  it('filters by LAG ID and pages with --max-results and --next-token', async () => {
    const byLag = await aws<Vifs>('describe-virtual-interfaces', '--connection-id', 'dxlag-allow001');
    expect(byLag.virtualInterfaces.map((v) => v.virtualInterfaceId)).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
    const first = await aws<Vifs>('describe-virtual-interfaces', '--max-results', '6');
    expect(first.virtualInterfaces).toHaveLength(6);
    const second = await aws<Vifs>('describe-virtual-interfaces', '--max-results', '6', '--next-token', first.nextToken ?? '');
    expect(second.virtualInterfaces.map((v) => v.virtualInterfaceId)).toEqual(['dxvif-macsec1pv', 'dxvif-maint01tr', 'dxvif-minlnk1pv', 'dxvif-solo01pv', 'dxvif-standal1pv']);
    expect(second.nextToken).toBeUndefined();
  });

  it('shows an unknown VIF ID as a DirectConnectClientException', async () => {
    const error = await aws('describe-virtual-interfaces', '--virtual-interface-id', 'dxvif-nosuch01').catch((e: { stderr: string }) => e);
    expect((error as { stderr: string }).stderr).toContain(
      'An error occurred (DirectConnectClientException) when calling the DescribeVirtualInterfaces operation: Could not find Virtual Interface with ID dxvif-nosuch01',
    );
  });
});
