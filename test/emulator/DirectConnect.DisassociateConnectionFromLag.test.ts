import {
  AssociateConnectionWithLagCommand,
  CreateConnectionCommand,
  DescribeConnectionsCommand,
  DescribeHostedConnectionsCommand,
  DescribeInterconnectsCommand,
  DescribeLagsCommand,
  DisassociateConnectionFromLagCommand,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { expectClientError, sleep, useEmulator, UUID } from '../helpers/emulator.js';

// The emulator's DisassociateConnectionFromLag, the AWS operation, through the real
// SDK (docs/aws-behaviour.md, "Disassociating a connection from a LAG"). The GraphQL
// mutation is in test/graphql/Mutation.disassociateConnectionFromLag.test.ts, the
// gateway's own minimum-links rule in test/unit/changes/disassociateConnectionFromLag.test.ts.

const TRANSITION_MS = 300;
const h = useEmulator({ transitionMs: TRANSITION_MS });

const disassociate = (connectionId: string, lagId: string, region = 'us-east-1') =>
  h.client(region).send(new DisassociateConnectionFromLagCommand({ connectionId, lagId }));

const lag = async (lagId: string, region = 'us-east-1') =>
  (await h.client(region).send(new DescribeLagsCommand({ lagId }))).lags?.[0];

describe('DisassociateConnectionFromLag', () => {
  describe('when the LAG keeps its minimum links', () => {
    it('returns the connection as a standalone connection without lagId, its state unchanged', async () => {
      const result = await disassociate('dxcon-allow01b', 'dxlag-allow001');
      expect(result.$metadata.requestId).toMatch(UUID);
      expect(result.connectionId).toBe('dxcon-allow01b');
      expect(result.connectionState).toBe('available');
      expect(result).not.toHaveProperty('lagId');
      expect(result.loaIssueTime).toBeInstanceOf(Date);
    });

    it('removes the connection from the LAG and recounts numberOfConnections', async () => {
      await disassociate('dxcon-allow01b', 'dxlag-allow001');
      const after = await lag('dxlag-allow001');
      expect(after?.numberOfConnections).toBe(2);
      expect(after?.connections?.map((c) => c.connectionId)).toEqual(['dxcon-allow01a', 'dxcon-allow01c']);
    });

    it('keeps the connection visible to DescribeConnections as a standalone connection', async () => {
      await disassociate('dxcon-allow01b', 'dxlag-allow001');
      const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-allow01b' }));
      expect(connections?.[0]?.connectionState).toBe('available');
      expect(connections?.[0]).not.toHaveProperty('lagId');
    });
  });

  describe('minimum links', () => {
    it('refuses to take a LAG below its minimum links', async () => {
      await expectClientError(
        disassociate('dxcon-minlnk1a', 'dxlag-minlink01'),
        'Removing connection dxcon-minlnk1a would leave Lag dxlag-minlink01 with 1 operational connection(s), below its minimumLinks of 2.',
      );
      expect((await lag('dxlag-minlink01'))?.numberOfConnections).toBe(2);
    });

    it('does not word the refusal like any known AWS message', async () => {
      const error = await disassociate('dxcon-minlnk1b', 'dxlag-minlink01').catch((e: Error) => e);
      expect((error as Error).message).not.toMatch(/does not exist|Could not find|invalid format|transitioning/);
    });

    it('lets the last member leave even below minimum links, and the emptied LAG lives on', async () => {
      const result = await disassociate('dxcon-lastmem1a', 'dxlag-lastmem01');
      expect(result).not.toHaveProperty('lagId');
      const emptied = await lag('dxlag-lastmem01');
      expect(emptied).toMatchObject({ lagId: 'dxlag-lastmem01', numberOfConnections: 0, connections: [], minimumLinks: 1 });
    });

    it('counts only available members as operational', async () => {
      // A new member is `requested`, not operational: the LAG has 3 members but 2 operational.
      const requested = await h.client().send(
        new CreateConnectionCommand({ location: 'EqDC2', bandwidth: '10Gbps', connectionName: 'third', lagId: 'dxlag-minlink01' }),
      );
      expect(requested.connectionState).toBe('requested');
      await expectClientError(disassociate('dxcon-minlnk1a', 'dxlag-minlink01'), /with 1 operational connection\(s\), below its minimumLinks of 2/);
      const result = await disassociate(requested.connectionId ?? '', 'dxlag-minlink01');
      expect(result.connectionState).toBe('requested');
    });
  });

  describe('hosted connections and partners', () => {
    it('leaves hosted connections with the LAG', async () => {
      await disassociate('dxcon-partnr1a', 'dxlag-partner01', 'eu-west-1');
      const { connections } = await h
        .client('eu-west-1')
        .send(new DescribeHostedConnectionsCommand({ connectionId: 'dxlag-partner01' }));
      expect(connections?.map((c) => c.connectionId)).toEqual(['dxcon-hosted01', 'dxcon-hosted02']);
    });

    it('turns a partner-owned connection into an interconnect under the same ID', async () => {
      const eu = h.client('eu-west-1');
      const result = await disassociate('dxcon-partnr1a', 'dxlag-partner01', 'eu-west-1');
      expect(result.connectionId).toBe('dxcon-partnr1a');

      const { interconnects } = await eu.send(new DescribeInterconnectsCommand({ interconnectId: 'dxcon-partnr1a' }));
      expect(interconnects?.[0]).toMatchObject({
        interconnectId: 'dxcon-partnr1a',
        interconnectState: 'available',
        region: 'eu-west-1',
        location: 'EqLD5',
        bandwidth: '10Gbps',
      });
      expect(interconnects?.[0]).not.toHaveProperty('lagId');
      await expectClientError(
        eu.send(new DescribeConnectionsCommand({ connectionId: 'dxcon-partnr1a' })),
        'Could not find Connection with ID dxcon-partnr1a',
      );
      const all = await eu.send(new DescribeConnectionsCommand({}));
      expect(all.connections?.map((c) => c.connectionId)).not.toContain('dxcon-partnr1a');
    });
  });

  describe('the transitioning window', () => {
    it('refuses Disassociate and Associate on the connection while it transitions, then recovers', async () => {
      await disassociate('dxcon-allow01a', 'dxlag-allow001');
      const transitioning = 'Connection dxcon-allow01a is in a transitioning state.';
      await expectClientError(disassociate('dxcon-allow01a', 'dxlag-allow001'), transitioning);
      await expectClientError(
        h.client().send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' })),
        transitioning,
      );
      await sleep(TRANSITION_MS + 50);
      const rejoined = await h
        .client()
        .send(new AssociateConnectionWithLagCommand({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' }));
      expect(rejoined.lagId).toBe('dxlag-allow001');
    });

    it('checks existence before the transitioning state', async () => {
      await disassociate('dxcon-allow01a', 'dxlag-allow001');
      await expectClientError(disassociate('dxcon-allow01a', 'dxlag-nosuch01'), 'Lag does not exist');
    });
  });

  describe('refusals', () => {
    it('refuses a connection that is standalone, in its own wording', async () => {
      const error = await disassociate('dxcon-standal1', 'dxlag-allow001').catch((e: Error) => e);
      await expectClientError(Promise.reject(error), 'Connection dxcon-standal1 is not a member of Lag dxlag-allow001.');
      expect((error as Error).message).not.toMatch(/does not exist|Could not find|invalid format|transitioning/);
    });

    it('refuses a connection that belongs to another LAG', async () => {
      await expectClientError(
        disassociate('dxcon-minlnk1a', 'dxlag-allow001'),
        'Connection dxcon-minlnk1a is not a member of Lag dxlag-allow001.',
      );
    });

    it('says "Connection does not exist" for an unknown connection', async () => {
      await expectClientError(disassociate('dxcon-nosuch01', 'dxlag-allow001'), 'Connection does not exist');
    });

    it('says "Lag does not exist" for an unknown LAG', async () => {
      await expectClientError(disassociate('dxcon-allow01a', 'dxlag-nosuch01'), 'Lag does not exist');
    });

    it('rejects malformed IDs before looking anything up', async () => {
      await expectClientError(disassociate('foobar', 'dxlag-nosuch01'), 'Connection ID foobar has an invalid format.');
      await expectClientError(disassociate('dxcon-nosuch01', 'foobar'), 'Lag ID foobar has an invalid format.');
      await expectClientError(disassociate('dxcon-ABCDEFGH', 'dxlag-allow001'), 'Connection ID dxcon-ABCDEFGH has an invalid format.');
    });

    it('does not see hosted connections, which belong to other accounts', async () => {
      await expectClientError(disassociate('dxcon-hosted01', 'dxlag-partner01', 'eu-west-1'), 'Connection does not exist');
    });
  });
});
