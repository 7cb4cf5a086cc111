import {
  BGPPeer$,
  Connection$,
  DescribeConnectionsCommand,
  DescribeHostedConnectionsCommand,
  DescribeInterconnectsCommand,
  DescribeLagsCommand,
  DescribeTagsCommand,
  Interconnect$,
  Lag$,
  VirtualInterface$,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import {
  BGP_PEER_MEMBERS,
  CONNECTION_MEMBERS,
  INTERCONNECT_MEMBERS,
  LAG_MEMBERS,
  VIF_MEMBERS,
} from '../../src/emulator/shapes.js';
import { expectClientError, useEmulator, UUID } from '../helpers/emulator.js';

const h = useEmulator();
const arn = (region: string, id: string) => `arn:aws:directconnect:${region}:123456789012:${id.slice(0, 5)}/${id}`;

describe('output shapes', () => {
  it('use exactly the member names of the SDK model', () => {
    expect([...CONNECTION_MEMBERS]).toEqual(Connection$[4]);
    expect([...LAG_MEMBERS]).toEqual(Lag$[4]);
    expect([...INTERCONNECT_MEMBERS]).toEqual(Interconnect$[4]);
    expect([...VIF_MEMBERS]).toEqual(VirtualInterface$[4]);
    expect([...BGP_PEER_MEMBERS]).toEqual(BGPPeer$[4]);
  });
});

describe('DescribeConnections', () => {
  it('lists the standalone connections and LAG members of the account, not hosted connections or interconnects', async () => {
    const result = await h.client().send(new DescribeConnectionsCommand({}));
    expect(result.$metadata.requestId).toMatch(UUID);
    expect(result.nextToken).toBeUndefined();
    expect(result.connections?.map((c) => c.connectionId)).toEqual([
      'dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c', 'dxcon-assoc01a', 'dxcon-busy001a', 'dxcon-busy001b',
      'dxcon-full001a', 'dxcon-full001b', 'dxcon-full001c', 'dxcon-full001d', 'dxcon-lastmem1a', 'dxcon-macsec1a',
      'dxcon-macsec1b', 'dxcon-maint01a', 'dxcon-maint01b', 'dxcon-maint01c', 'dxcon-minlnk1a', 'dxcon-minlnk1b',
      'dxcon-nomacs1a', 'dxcon-otherdv1', 'dxcon-spare01a', 'dxcon-standal1', 'dxcon-standal2', 'dxcon-wrongbw1',
    ]);
    const eu = await h.client('eu-west-1').send(new DescribeConnectionsCommand({}));
    expect(eu.connections?.map((c) => c.connectionId)).toEqual([
      'dxcon-eustand1', 'dxcon-euwest1a', 'dxcon-euwest1b', 'dxcon-partnr1a', 'dxcon-partnr1b',
    ]);
  });

  it('describes one connection with the SDK types: loaIssueTime a Date, absent members absent', async () => {
    const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-standal1' }));
    const standalone = connections?.[0];
    expect(standalone).toMatchObject({
      connectionId: 'dxcon-standal1',
      connectionState: 'available',
      ownerAccount: '123456789012',
      region: 'us-east-1',
      location: 'EqDC2',
      bandwidth: '1Gbps',
      providerName: 'Equinix',
      hasLogicalRedundancy: 'yes',
      jumboFrameCapable: true,
      tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'netops' }],
    });
    expect(standalone?.loaIssueTime).toEqual(new Date(1_700_000_000_000));
    for (const member of ['lagId', 'vlan', 'partnerName', 'macSecKeys', 'portEncryptionStatus']) {
      expect(standalone).not.toHaveProperty(member);
    }
    const { connections: down } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-standal2' }));
    expect(down?.[0]?.connectionState).toBe('down');
    expect(down?.[0]).not.toHaveProperty('loaIssueTime');
  });

  it('says "Could not find Connection with ID" for a well-formed unknown ID', async () => {
    await expectClientError(
      h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-nosuch01' })),
      'Could not find Connection with ID dxcon-nosuch01',
    );
  });

  it('rejects a malformed ID with AWS\'s invalid-format message', async () => {
    await expectClientError(
      h.client().send(new DescribeConnectionsCommand({ connectionId: 'foobar' })),
      'Connection ID foobar has an invalid format.',
    );
  });
});

describe('DescribeLags', () => {
  it('lists every demo LAG of the region with its members in full', async () => {
    const { lags } = await h.client().send(new DescribeLagsCommand({}));
    expect(lags?.map((l) => [l.lagId, l.minimumLinks, l.numberOfConnections])).toEqual([
      ['dxlag-allow001', 1, 3],
      ['dxlag-busy0001', 1, 2],
      ['dxlag-empty001', 0, 0],
      ['dxlag-full0001', 1, 4],
      ['dxlag-lastmem01', 1, 1],
      ['dxlag-macsec01', 1, 2],
      ['dxlag-maint001', 1, 3],
      ['dxlag-minlink01', 2, 2],
    ]);
    const allowed = lags?.[0];
    expect(allowed?.connections?.[0]).toMatchObject({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', bandwidth: '10Gbps' });
    expect(allowed?.connections?.[0]?.loaIssueTime).toBeInstanceOf(Date);
  });

  it('describes the MACsec LAG with its keys and encrypted members', async () => {
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-macsec01' }));
    const macsec = lags?.[0];
    expect(macsec).toMatchObject({ macSecCapable: true, encryptionMode: 'must_encrypt' });
    expect(macsec?.macSecKeys?.[0]).toMatchObject({ state: 'associated', startOn: '2025-06-01T00:00:00.000Z' });
    expect(macsec?.macSecKeys?.[0]?.ckn).toMatch(/^[0-9a-f]{64}$/);
    expect(macsec?.macSecKeys?.[0]?.secretARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:dxmacsec-/);
    expect(macsec?.connections?.map((c) => c.portEncryptionStatus)).toEqual(['Encryption Up', 'Encryption Up']);
  });

  it('describes the empty LAG with no connections', async () => {
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-empty001' }));
    expect(lags?.[0]).toMatchObject({ lagState: 'available', numberOfConnections: 0, connections: [], minimumLinks: 0 });
  });

  it('says "Could not find Lag with ID" for a well-formed unknown ID and rejects a malformed one', async () => {
    await expectClientError(h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-nosuch01' })), 'Could not find Lag with ID dxlag-nosuch01');
    await expectClientError(h.client().send(new DescribeLagsCommand({ lagId: 'foobar' })), 'Lag ID foobar has an invalid format.');
  });
});

describe('regions', () => {
  it('keeps one store per region, chosen by the SigV4 credential scope', async () => {
    const us = await h.client('us-east-1').send(new DescribeLagsCommand({}));
    const eu = await h.client('eu-west-1').send(new DescribeLagsCommand({}));
    expect(us.lags?.map((l) => l.region)).not.toContain('eu-west-1');
    expect(eu.lags?.map((l) => l.lagId)).toEqual(['dxlag-euwest01', 'dxlag-partner01']);
    expect(eu.lags?.every((l) => l.region === 'eu-west-1')).toBe(true);
    await expectClientError(
      h.client('eu-west-1').send(new DescribeLagsCommand({ lagId: 'dxlag-allow001' })),
      'Could not find Lag with ID dxlag-allow001',
    );
  });

  it('answers an unseeded region with an empty store', async () => {
    const result = await h.client('ap-southeast-2').send(new DescribeLagsCommand({}));
    expect(result.lags).toEqual([]);
  });

  it('reports the seeded regions', () => {
    expect(h.emulator.regions()).toEqual(['us-east-1', 'eu-west-1']);
  });
});

describe('DescribeInterconnects', () => {
  it('lists the partner interconnect in eu-west-1 as an Interconnect shape', async () => {
    const { interconnects } = await h.client('eu-west-1').send(new DescribeInterconnectsCommand({}));
    expect(interconnects).toHaveLength(1);
    expect(interconnects?.[0]).toMatchObject({
      interconnectId: 'dxcon-intrcon01',
      interconnectName: 'Partner interconnect EqLD5',
      interconnectState: 'available',
      region: 'eu-west-1',
      location: 'EqLD5',
      bandwidth: '10Gbps',
    });
    expect(interconnects?.[0]).not.toHaveProperty('connectionId');
  });

  it('says "Could not find Interconnect with ID" for an ID that is not an interconnect', async () => {
    await expectClientError(
      h.client('eu-west-1').send(new DescribeInterconnectsCommand({ interconnectId: 'dxcon-eustand1' })),
      'Could not find Interconnect with ID dxcon-eustand1',
    );
  });
});

describe('DescribeHostedConnections', () => {
  it('lists the hosted connections on a LAG with their VLANs, partner and customer accounts', async () => {
    const { connections } = await h
      .client('eu-west-1')
      .send(new DescribeHostedConnectionsCommand({ connectionId: 'dxlag-partner01' }));
    expect(connections?.map((c) => [c.connectionId, c.vlan, c.ownerAccount, c.partnerName])).toEqual([
      ['dxcon-hosted01', 101, '210987654321', 'Example Partner Networks'],
      ['dxcon-hosted02', 102, '109876543210', 'Example Partner Networks'],
    ]);
  });

  it('answers an empty list for an interconnect without hosted connections', async () => {
    const { connections } = await h
      .client('eu-west-1')
      .send(new DescribeHostedConnectionsCommand({ connectionId: 'dxcon-intrcon01' }));
    expect(connections).toEqual([]);
  });

  it('refuses an unknown parent or a malformed ID', async () => {
    const eu = h.client('eu-west-1');
    await expectClientError(eu.send(new DescribeHostedConnectionsCommand({ connectionId: 'dxlag-nosuch01' })), 'Could not find Lag with ID dxlag-nosuch01');
    await expectClientError(eu.send(new DescribeHostedConnectionsCommand({ connectionId: 'foobar' })), 'Connection ID foobar has an invalid format.');
  });
});

describe('DescribeTags', () => {
  it('answers the tags of connections and LAGs by ARN', async () => {
    const resourceArns = [arn('us-east-1', 'dxcon-standal1'), arn('us-east-1', 'dxlag-empty001')];
    const { resourceTags } = await h.client().send(new DescribeTagsCommand({ resourceArns }));
    expect(resourceTags).toEqual([
      { resourceArn: resourceArns[0], tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'netops' }] },
      { resourceArn: resourceArns[1], tags: [{ key: 'env', value: 'dev' }] },
    ]);
  });

  it('does not find a resource of another region', async () => {
    await expectClientError(
      h.client('eu-west-1').send(new DescribeTagsCommand({ resourceArns: [arn('us-east-1', 'dxcon-standal1')] })),
      'Could not find Connection with ID dxcon-standal1',
    );
  });

  it('refuses an ARN it cannot read, in its own wording', async () => {
    await expectClientError(
      h.client().send(new DescribeTagsCommand({ resourceArns: ['arn:aws:s3:::bucket'] })),
      'Resource ARN arn:aws:s3:::bucket is not a Direct Connect connection or LAG ARN.',
    );
  });
});
