import {
  AssociateConnectionWithLagCommand,
  CreateConnectionCommand,
  CreateLagCommand,
  DeleteConnectionCommand,
  DeleteLagCommand,
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  DescribeTagsCommand,
  DisassociateConnectionFromLagCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateLagCommand,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { expectClientError, sleep, useEmulator, UUID } from '../helpers/emulator.js';

// The emulator's other changing operations, through the real SDK (docs/aws-behaviour.md,
// "Associating, updating and deleting"). DisassociateConnectionFromLag has its own
// file: test/emulator/DirectConnect.DisassociateConnectionFromLag.test.ts.

const TRANSITION_MS = 200;
const h = useEmulator({ transitionMs: TRANSITION_MS });
const ID = /^dxcon-[a-z0-9]{8}$/;
const arn = (id: string) => `arn:aws:directconnect:us-east-1:123456789012:${id.slice(0, 5)}/${id}`;

describe('CreateConnection', () => {
  it('creates a requested connection with a fresh dxcon- ID', async () => {
    const created = await h.client().send(
      new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '10Gbps', connectionName: 'new', tags: [{ key: 'env', value: 'test' }] }),
    );
    expect(created.$metadata.requestId).toMatch(UUID);
    expect(created).toMatchObject({ connectionName: 'new', connectionState: 'requested', region: 'us-east-1', ownerAccount: '123456789012' });
    expect(created.connectionId).toMatch(ID);
    expect(created).not.toHaveProperty('lagId');
    const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: created.connectionId }));
    expect(connections?.[0]?.tags).toEqual([{ key: 'env', value: 'test' }]);
  });

  it('puts a new LAG member on the LAG\'s endpoint', async () => {
    const created = await h.client().send(
      new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '10Gbps', connectionName: 'fourth', lagId: 'dxlag-allow001' }),
    );
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-allow001' }));
    const device = (r: { awsDevice?: string; awsDeviceV2?: string; awsLogicalDeviceId?: string } | undefined) => [r?.awsDevice, r?.awsDeviceV2, r?.awsLogicalDeviceId];
    expect(device(created)).toEqual(device(lags?.[0]));
  });

  it('refuses a bandwidth that dedicated connections do not come in', async () => {
    await expectClientError(
      h.client().send(new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '7Gbps', connectionName: 'x' })),
      /Bandwidth 7Gbps is not supported/,
    );
  });

  it('refuses to add a fifth 10G connection to a LAG', async () => {
    const client = h.client();
    await client.send(new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '10Gbps', connectionName: 'fourth', lagId: 'dxlag-allow001' }));
    await expectClientError(
      client.send(new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '10Gbps', connectionName: 'fifth', lagId: 'dxlag-allow001' })),
      'Lag dxlag-allow001 already has the maximum of 4 connections.',
    );
  });
});

describe('CreateLag', () => {
  it('creates a pending LAG with minimumLinks 0 and requested child connections named by AWS\'s pattern', async () => {
    const created = await h.client().send(
      new CreateLagCommand({ numberOfConnections: 2, location: 'EqDC2', connectionsBandwidth: '10Gbps', lagName: 'new LAG' }),
    );
    expect(created).toMatchObject({ lagState: 'pending', minimumLinks: 0, numberOfConnections: 2, lagName: 'new LAG' });
    expect(created.lagId).toMatch(/^dxlag-[a-z0-9]{8}$/);
    expect(created.connections?.map((c) => c.connectionName).sort()).toEqual([
      `Requested Connection 1 for Lag ${created.lagId}`,
      `Requested Connection 2 for Lag ${created.lagId}`,
    ]);
    expect(created.connections?.every((c) => c.connectionState === 'requested' && c.lagId === created.lagId)).toBe(true);
  });

  it('takes an existing standalone connection in as one of its connections', async () => {
    const created = await h.client().send(
      new CreateLagCommand({ numberOfConnections: 2, location: 'EqDC2', connectionsBandwidth: '1Gbps', lagName: 'with existing', connectionId: 'dxcon-standal1' }),
    );
    expect(created.connections?.map((c) => c.connectionId)).toContain('dxcon-standal1');
    expect(created.numberOfConnections).toBe(2);
    // The LAG is built on the existing connection's endpoint, and its new member with it.
    const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-standal1' }));
    expect(created.awsDeviceV2).toBe(connections?.[0]?.awsDeviceV2);
    expect(created.connections?.every((c) => c.awsDeviceV2 === created.awsDeviceV2)).toBe(true);
  });

  it('refuses more connections than the quota allows', async () => {
    await expectClientError(
      h.client().send(new CreateLagCommand({ numberOfConnections: 3, location: 'EqDC2', connectionsBandwidth: '100Gbps', lagName: 'x' })),
      'numberOfConnections must be between 1 and 2 for 100Gbps connections.',
    );
  });
});

describe('UpdateLag', () => {
  it('changes the name and minimum links', async () => {
    const updated = await h.client().send(new UpdateLagCommand({ lagId: 'dxlag-allow001', lagName: 'Renamed', minimumLinks: 3 }));
    expect(updated).toMatchObject({ lagName: 'Renamed', minimumLinks: 3, numberOfConnections: 3 });
  });

  it('refuses minimumLinks above the number of connections with AWS\'s message', async () => {
    await expectClientError(
      h.client().send(new UpdateLagCommand({ lagId: 'dxlag-allow001', minimumLinks: 4 })),
      /^MinimumLinks cannot be set higher than the number of connections/,
    );
  });

  it('sets the encryption mode of a MACsec LAG only', async () => {
    const updated = await h.client().send(new UpdateLagCommand({ lagId: 'dxlag-macsec01', encryptionMode: 'should_encrypt' }));
    expect(updated.encryptionMode).toBe('should_encrypt');
    await expectClientError(
      h.client().send(new UpdateLagCommand({ lagId: 'dxlag-allow001', encryptionMode: 'must_encrypt' })),
      'Lag dxlag-allow001 is not MACsec capable.',
    );
  });

  it('says "Could not find Lag with ID" for an unknown LAG', async () => {
    await expectClientError(h.client().send(new UpdateLagCommand({ lagId: 'dxlag-nosuch01', lagName: 'x' })), 'Could not find Lag with ID dxlag-nosuch01');
  });
});

describe('DeleteConnection', () => {
  it('answers deleted and keeps the connection visible', async () => {
    const deleted = await h.client().send(new DeleteConnectionCommand({ connectionId: 'dxcon-standal2' }));
    expect(deleted.connectionState).toBe('deleted');
    const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-standal2' }));
    expect(connections?.[0]?.connectionState).toBe('deleted');
  });

  it('takes a deleted member out of its LAG', async () => {
    await h.client().send(new DeleteConnectionCommand({ connectionId: 'dxcon-allow01c' }));
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-allow001' }));
    expect(lags?.[0]?.numberOfConnections).toBe(2);
  });

  it('uses AWS\'s messages for unknown and malformed IDs', async () => {
    await expectClientError(h.client().send(new DeleteConnectionCommand({ connectionId: 'dxcon-nosuch01' })), 'Could not find Connection with ID dxcon-nosuch01');
    await expectClientError(h.client().send(new DeleteConnectionCommand({ connectionId: 'foobar' })), 'Connection ID foobar has an invalid format.');
  });
});

describe('DeleteLag', () => {
  it('deletes an empty LAG, which stays visible as deleted', async () => {
    const deleted = await h.client().send(new DeleteLagCommand({ lagId: 'dxlag-empty001' }));
    expect(deleted).toMatchObject({ lagState: 'deleted', numberOfConnections: 0, connections: [] });
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-empty001' }));
    expect(lags?.[0]?.lagState).toBe('deleted');
  });

  it('refuses a LAG that still has connections', async () => {
    await expectClientError(
      h.client().send(new DeleteLagCommand({ lagId: 'dxlag-allow001' })),
      'Lag dxlag-allow001 still has 3 connection(s) and 0 hosted connection(s); disassociate or delete them first.',
    );
  });
});

describe('AssociateConnectionWithLag', () => {
  it('adds a standalone connection to a LAG, then it transitions', async () => {
    const joined = await h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-empty001' }));
    expect(joined.lagId).toBe('dxlag-empty001');
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-empty001' }));
    expect(lags?.[0]?.numberOfConnections).toBe(1);
    await expectClientError(
      h.client().send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-empty001' })),
      'Connection dxcon-assoc01a is in a transitioning state.',
    );
  });

  it('puts a new standalone connection on a device of its own, which no LAG shares', async () => {
    const created = await h.client().send(new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '10Gbps', connectionName: 'joiner' }));
    await expectClientError(
      h.client().send(new AssociateConnectionWithLagCommand({ connectionId: created.connectionId, lagId: 'dxlag-empty001' })),
      /^Connection dxcon-[a-z0-9]{8} is on endpoint EqDC2-[a-z0-9]{8} but Lag dxlag-empty001 is on endpoint /,
    );
  });

  it('moves a member from another LAG when that LAG keeps its minimum links', async () => {
    const moved = await h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-empty001' }));
    expect(moved.lagId).toBe('dxlag-empty001');
    await expectClientError(
      h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-empty001' })),
      /below its minimumLinks of 2/,
    );
  });

  it('refuses a connection whose bandwidth differs from the LAG\'s', async () => {
    await expectClientError(
      h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-wrongbw1', lagId: 'dxlag-empty001' })),
      'Connection dxcon-wrongbw1 has bandwidth 1Gbps but Lag dxlag-empty001 requires 10Gbps.',
    );
  });

  it('turns an interconnect back into a partner-owned LAG member', async () => {
    const eu = h.client('eu-west-1');
    await eu.send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01' }));
    await sleep(TRANSITION_MS + 50);
    const back = await eu.send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-partnr1a', lagId: 'dxlag-partner01' }));
    expect(back.lagId).toBe('dxlag-partner01');
    const { connections } = await eu.send(new DescribeConnectionsCommand({ connectionId: 'dxcon-partnr1a' }));
    expect(connections?.[0]?.lagId).toBe('dxlag-partner01');
  });

  it('says "Connection does not exist" and "Lag does not exist" for unknown IDs', async () => {
    await expectClientError(h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-nosuch01', lagId: 'dxlag-empty001' })), 'Connection does not exist');
    await expectClientError(h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-standal1', lagId: 'dxlag-nosuch01' })), 'Lag does not exist');
  });
});

describe('TagResource and UntagResource', () => {
  it('adds, replaces and removes tags by key', async () => {
    const client = h.client();
    const resourceArn = arn('dxlag-allow001');
    await client.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'env', value: 'staging' }, { key: 'owner', value: 'alice' }] }));
    await client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
    const { resourceTags } = await client.send(new DescribeTagsCommand({ resourceArns: [resourceArn] }));
    expect(resourceTags?.[0]?.tags).toEqual([{ key: 'env', value: 'staging' }, { key: 'owner', value: 'alice' }]);
    const { lags } = await client.send(new DescribeLagsCommand({ lagId: 'dxlag-allow001' }));
    expect(lags?.[0]?.tags).toEqual(resourceTags?.[0]?.tags);
  });

  it('says "Could not find Connection with ID" for an unknown connection ARN', async () => {
    await expectClientError(
      h.client().send(new TagResourceCommand({ resourceArn: arn('dxcon-nosuch01'), tags: [{ key: 'a', value: 'b' }] })),
      'Could not find Connection with ID dxcon-nosuch01',
    );
  });

  it('drops the tags member once a resource has none', async () => {
    const client = h.client();
    await client.send(new UntagResourceCommand({ resourceArn: arn('dxcon-standal1'), tagKeys: ['env', 'team'] }));
    const { connections } = await client.send(new DescribeConnectionsCommand({ connectionId: 'dxcon-standal1' }));
    expect(connections?.[0]).not.toHaveProperty('tags');
  });
});
