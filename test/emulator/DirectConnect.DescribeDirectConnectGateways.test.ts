import {
  AssociatedGateway$,
  AssociateConnectionWithLagCommand,
  DescribeDirectConnectGatewayAssociationsCommand,
  DescribeDirectConnectGatewayAttachmentsCommand,
  DescribeDirectConnectGatewaysCommand,
  DescribeVirtualInterfacesCommand,
  DirectConnectGateway$,
  DirectConnectGatewayAssociation$,
  DirectConnectGatewayAttachment$,
  type DescribeDirectConnectGatewayAssociationsCommandInput,
  type DescribeDirectConnectGatewayAttachmentsCommandInput,
  type DirectConnectGatewayAttachment,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { DX_GATEWAY_ASSOCIATION_MEMBERS, DX_GATEWAY_ATTACHMENT_MEMBERS, DX_GATEWAY_MEMBERS } from '../../src/emulator/shapes.js';
import { DX_PRIVATE, DX_TRANSIT, expectClientError, useEmulator } from '../helpers/emulator.js';

// The Direct Connect gateway operations (docs/aws-behaviour.md, "Direct Connect
// gateways"): global gateways, their associations, and attachments derived from the VIFs.

const h = useEmulator({ transitionMs: 0 });

const gateways = (input: { directConnectGatewayId?: string; maxResults?: number; nextToken?: string } = {}, region = 'us-east-1') =>
  h.client(region).send(new DescribeDirectConnectGatewaysCommand(input));
const associations = (input: DescribeDirectConnectGatewayAssociationsCommandInput, region = 'us-east-1') =>
  h.client(region).send(new DescribeDirectConnectGatewayAssociationsCommand(input));
const attachments = (input: DescribeDirectConnectGatewayAttachmentsCommandInput, region = 'us-east-1') =>
  h.client(region).send(new DescribeDirectConnectGatewayAttachmentsCommand(input));
const attached = (list: DirectConnectGatewayAttachment[] | undefined) =>
  list?.map((a) => `${a.virtualInterfaceId} ${a.virtualInterfaceRegion} ${a.attachmentType}`);

describe('output shapes', () => {
  it('use exactly the member names of the SDK model', () => {
    expect([...DX_GATEWAY_MEMBERS]).toEqual(DirectConnectGateway$[4]);
    expect([...DX_GATEWAY_ASSOCIATION_MEMBERS]).toEqual(DirectConnectGatewayAssociation$[4]);
    expect([...DX_GATEWAY_ATTACHMENT_MEMBERS]).toEqual(DirectConnectGatewayAttachment$[4]);
    expect(AssociatedGateway$[4]).toEqual(['id', 'type', 'ownerAccount', 'region']);
  });
});

describe('DescribeDirectConnectGateways', () => {
  it('lists the demo\'s three gateways, the same at every region\'s endpoint: gateways are global', async () => {
    const expected = [
      { directConnectGatewayId: DX_TRANSIT, directConnectGatewayName: 'dxgw-transit', amazonSideAsn: 64512, ownerAccount: '123456789012', directConnectGatewayState: 'available' },
      { directConnectGatewayId: DX_PRIVATE, directConnectGatewayName: 'dxgw-private', amazonSideAsn: 64513, ownerAccount: '123456789012', directConnectGatewayState: 'available' },
      { directConnectGatewayId: 'd3a9f6b1-7c2e-4e58-b0d4-1f6a8c3e5b92', directConnectGatewayName: 'dxgw-solo', amazonSideAsn: 64514, ownerAccount: '123456789012', directConnectGatewayState: 'available' },
    ];
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      const { directConnectGateways, nextToken } = await gateways({}, region);
      expect([directConnectGateways, nextToken], region).toEqual([expected, undefined]);
    }
  });

  it('describes one by ID, and answers an empty list for a well-formed ID it does not know', async () => {
    expect((await gateways({ directConnectGatewayId: DX_PRIVATE })).directConnectGateways?.map((g) => g.directConnectGatewayName)).toEqual(['dxgw-private']);
    expect((await gateways({ directConnectGatewayId: '00000000-0000-4000-8000-000000000000' })).directConnectGateways).toEqual([]);
  });

  it('refuses an ID that is not a UUID', async () => {
    for (const id of ['dxgw-transit', '5F0C8E2A-3B1D-4C7E-9A6F-2D4B8C1E0A37', '5f294f92-bafb-4011-916d-9b0bdexample']) {
      await expectClientError(gateways({ directConnectGatewayId: id }), `Direct Connect gateway ID ${id} has an invalid format.`);
    }
  });

  it('pages, with a token any region accepts', async () => {
    const first = await gateways({ maxResults: 1 }, 'us-east-1');
    const second = await gateways({ maxResults: 1, nextToken: first.nextToken }, 'eu-west-1');
    expect([first.directConnectGateways?.[0]?.directConnectGatewayId, second.directConnectGateways?.[0]?.directConnectGatewayId, second.nextToken]).toEqual([
      DX_TRANSIT,
      DX_PRIVATE,
      expect.any(String),
    ]);
    await expectClientError(gateways({ maxResults: 101 }), 'maxResults must be between 1 and 100; got 101.');
  });
});

describe('DescribeDirectConnectGatewayAssociations', () => {
  it('lists dxgw-transit\'s one transit gateway association with its allowed prefixes, and no legacy VGW members', async () => {
    const { directConnectGatewayAssociations } = await associations({ directConnectGatewayId: DX_TRANSIT });
    expect(directConnectGatewayAssociations).toEqual([
      {
        directConnectGatewayId: DX_TRANSIT,
        directConnectGatewayOwnerAccount: '123456789012',
        associationState: 'associated',
        associatedGateway: { id: 'tgw-0a1b2c3d4e5f60718', type: 'transitGateway', ownerAccount: '123456789012', region: 'us-east-1' },
        associationId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        allowedPrefixesToDirectConnectGateway: [{ cidr: '10.0.0.0/16' }, { cidr: '10.1.0.0/16' }],
      },
    ]);
  });

  it('lists dxgw-private\'s two virtual private gateways in two regions, with the legacy virtualGateway* members', async () => {
    const { directConnectGatewayAssociations } = await associations({ directConnectGatewayId: DX_PRIVATE }, 'eu-west-1');
    expect(directConnectGatewayAssociations?.map((a) => [a.associatedGateway?.id, a.associatedGateway?.type, a.associatedGateway?.region, a.virtualGatewayId, a.virtualGatewayRegion, a.virtualGatewayOwnerAccount]).sort()).toEqual([
      ['vgw-0a1b2c3d', 'virtualPrivateGateway', 'us-east-1', 'vgw-0a1b2c3d', 'us-east-1', '123456789012'],
      ['vgw-4e5f6a7b', 'virtualPrivateGateway', 'eu-west-1', 'vgw-4e5f6a7b', 'eu-west-1', '123456789012'],
    ]);
  });

  it('finds an association from the associated gateway, its ID or both gateways, every filter applying', async () => {
    const id = (await associations({ virtualGatewayId: 'vgw-4e5f6a7b' })).directConnectGatewayAssociations?.map((a) => a.associationId);
    expect(id).toHaveLength(1);
    expect((await associations({ associatedGatewayId: 'vgw-4e5f6a7b' })).directConnectGatewayAssociations?.map((a) => a.associationId)).toEqual(id);
    expect((await associations({ associationId: id?.[0] })).directConnectGatewayAssociations?.map((a) => a.directConnectGatewayId)).toEqual([DX_PRIVATE]);
    expect((await associations({ virtualGatewayId: 'tgw-0a1b2c3d4e5f60718' })).directConnectGatewayAssociations?.map((a) => a.directConnectGatewayId)).toEqual([DX_TRANSIT]);
    expect((await associations({ directConnectGatewayId: DX_TRANSIT, virtualGatewayId: 'vgw-4e5f6a7b' })).directConnectGatewayAssociations).toEqual([]);
    expect((await associations({ virtualGatewayId: 'vgw-00000000' })).directConnectGatewayAssociations).toEqual([]);
  });

  it('refuses a call with no filter, as the documentation requires one, and a malformed gateway ID', async () => {
    await expectClientError(associations({}), 'Specify a directConnectGatewayId, associationId, associatedGatewayId or virtualGatewayId.');
    await expectClientError(associations({ directConnectGatewayId: 'nope' }), 'Direct Connect gateway ID nope has an invalid format.');
  });

  it('pages', async () => {
    const first = await associations({ directConnectGatewayId: DX_PRIVATE, maxResults: 1 });
    const second = await associations({ directConnectGatewayId: DX_PRIVATE, maxResults: 1, nextToken: first.nextToken });
    expect([first.directConnectGatewayAssociations?.length, second.directConnectGatewayAssociations?.length, second.nextToken]).toEqual([1, 1, undefined]);
    expect(second.directConnectGatewayAssociations?.[0]?.associationId).not.toBe(first.directConnectGatewayAssociations?.[0]?.associationId);
    await expectClientError(associations({ virtualGatewayId: 'vgw-0a1b2c3d', maxResults: 1, nextToken: first.nextToken }), 'The nextToken provided is not valid for this request.');
  });
});

describe('DescribeDirectConnectGatewayAttachments', () => {
  it('lists every VIF attached to a gateway, from every region, as the VIFs say', async () => {
    expect(attached((await attachments({ directConnectGatewayId: DX_TRANSIT })).directConnectGatewayAttachments)).toEqual([
      'dxvif-allow01tr us-east-1 TransitVirtualInterface',
      'dxvif-eustand1tr eu-west-1 TransitVirtualInterface',
      'dxvif-maint01tr us-east-1 TransitVirtualInterface',
    ]);
    expect(attached((await attachments({ directConnectGatewayId: DX_PRIVATE }, 'eu-west-1')).directConnectGatewayAttachments)).toEqual([
      'dxvif-allow01pv us-east-1 PrivateVirtualInterface',
      'dxvif-assoc01pv us-east-1 PrivateVirtualInterface',
      'dxvif-busy01pv us-east-1 PrivateVirtualInterface',
      'dxvif-euwest1pv eu-west-1 PrivateVirtualInterface',
      'dxvif-lastmem1pv us-east-1 PrivateVirtualInterface',
      'dxvif-macsec1pv us-east-1 PrivateVirtualInterface',
      'dxvif-minlnk1pv us-east-1 PrivateVirtualInterface',
      'dxvif-standal1pv us-east-1 PrivateVirtualInterface',
    ]);
  });

  it('answers an attachment in full, and finds a VIF\'s gateway from the VIF', async () => {
    const { directConnectGatewayAttachments } = await attachments({ virtualInterfaceId: 'dxvif-busy01pv' });
    expect(directConnectGatewayAttachments).toEqual([
      {
        directConnectGatewayId: DX_PRIVATE,
        virtualInterfaceId: 'dxvif-busy01pv',
        virtualInterfaceRegion: 'us-east-1',
        virtualInterfaceOwnerAccount: '123456789012',
        attachmentState: 'attached',
        attachmentType: 'PrivateVirtualInterface',
      },
    ]);
    expect((await attachments({ directConnectGatewayId: DX_TRANSIT, virtualInterfaceId: 'dxvif-busy01pv' })).directConnectGatewayAttachments).toEqual([]);
    expect((await attachments({ virtualInterfaceId: 'dxvif-lastmem1pb' })).directConnectGatewayAttachments, 'a public VIF attaches to nothing').toEqual([]);
    expect((await attachments({ virtualInterfaceId: 'dxvif-nosuch01' })).directConnectGatewayAttachments).toEqual([]);
  });

  it('keeps a VIF attached when it moves to a LAG with the connection it rides on', async () => {
    await h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' }));
    expect(attached((await attachments({ virtualInterfaceId: 'dxvif-assoc01pv' })).directConnectGatewayAttachments)).toEqual([
      'dxvif-assoc01pv us-east-1 PrivateVirtualInterface',
    ]);
  });

  it('refuses a call naming neither a gateway nor a VIF, and malformed IDs', async () => {
    await expectClientError(attachments({}), 'Specify a directConnectGatewayId, a virtualInterfaceId, or both.');
    await expectClientError(attachments({ virtualInterfaceId: 'dxcon-allow01a' }), 'Virtual interface ID dxcon-allow01a has an invalid format.');
    await expectClientError(attachments({ directConnectGatewayId: 'dxgw-1' }), 'Direct Connect gateway ID dxgw-1 has an invalid format.');
  });

  it('pages', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await attachments({ directConnectGatewayId: DX_PRIVATE, maxResults: 3, nextToken });
      expect(page.directConnectGatewayAttachments!.length).toBeLessThanOrEqual(3);
      seen.push(...(page.directConnectGatewayAttachments ?? []).map((a) => a.virtualInterfaceId!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });
});

describe('on the large seed', () => {
  const large = useEmulator({ seed: 'large' });

  it('attaches every private and transit VIF of every region to one of its global gateways, more than a page of them', async () => {
    const client = large.client('us-west-2');
    const { directConnectGateways } = await client.send(new DescribeDirectConnectGatewaysCommand({}));
    expect(directConnectGateways?.map((g) => g.directConnectGatewayName).sort()).toEqual(['large-private-1', 'large-private-2', 'large-private-3', 'large-transit']);
    let total = 0;
    for (const gateway of directConnectGateways ?? []) {
      const { directConnectGatewayAssociations } = await client.send(new DescribeDirectConnectGatewayAssociationsCommand({ directConnectGatewayId: gateway.directConnectGatewayId }));
      // A gateway's associations are all of one kind (User Guide), one per region here.
      expect(new Set(directConnectGatewayAssociations?.map((a) => a.associatedGateway?.type)).size).toBe(1);
      expect(new Set(directConnectGatewayAssociations?.map((a) => a.associatedGateway?.region))).toEqual(new Set(['us-east-1', 'us-west-2', 'eu-west-1']));
      let nextToken: string | undefined;
      do {
        const page = await client.send(new DescribeDirectConnectGatewayAttachmentsCommand({ directConnectGatewayId: gateway.directConnectGatewayId, maxResults: 100, nextToken }));
        const kinds = new Set(page.directConnectGatewayAttachments?.map((a) => a.attachmentType));
        expect([...kinds]).toEqual([gateway.directConnectGatewayName === 'large-transit' ? 'TransitVirtualInterface' : 'PrivateVirtualInterface']);
        total += page.directConnectGatewayAttachments?.length ?? 0;
        nextToken = page.nextToken;
      } while (nextToken);
    }
    let vifs = 0;
    for (const region of large.emulator.regions()) {
      const { virtualInterfaces } = await large.client(region).send(new DescribeVirtualInterfacesCommand({}));
      vifs += virtualInterfaces?.filter((v) => v.virtualInterfaceType !== 'public').length ?? 0;
    }
    expect(total).toBe(vifs);
    expect(total).toBeGreaterThan(100);
  });
});
