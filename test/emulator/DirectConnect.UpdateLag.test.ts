import {
  CreateLagCommand,
  DeleteConnectionCommand,
  DeleteLagCommand,
  DescribeLagsCommand,
  DisassociateConnectionFromLagCommand,
  UpdateLagCommand,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { awsCli, awsCliAvailable } from '../helpers/awsCli.js';
import { expectClientError, useEmulator, UUID } from '../helpers/emulator.js';

// The emulator's UpdateLag, the AWS operation, through the real SDK and the AWS CLI
// (docs/aws-behaviour.md, "Associating, updating and deleting"), and how a LAG's
// state follows its operational members and minimumLinks, whatever moved them.
// dxlag-full0001 has 4 members, 3 of them available.

const h = useEmulator({ transitionMs: 200 });
const FRAGMENT = 'MinimumLinks cannot be set higher than the number of connections';

const update = (input: { lagId: string; minimumLinks?: number; lagName?: string; encryptionMode?: string }, region = 'us-east-1') =>
  h.client(region).send(new UpdateLagCommand(input));

const lag = async (lagId: string, region = 'us-east-1') => (await h.client(region).send(new DescribeLagsCommand({ lagId }))).lags?.[0];

const setConnectionState = (connectionId: string, connectionState: string, region = 'us-east-1') =>
  h.control('connection-state', { method: 'POST', body: { region, connectionId, connectionState } });

describe('UpdateLag', () => {
  describe('minimumLinks', () => {
    it('accepts any integer from 0 to the number of member connections', async () => {
      for (const minimumLinks of [0, 1, 2, 3]) {
        const updated = await update({ lagId: 'dxlag-allow001', minimumLinks });
        expect(updated.minimumLinks, String(minimumLinks)).toBe(minimumLinks);
      }
      expect((await lag('dxlag-allow001'))?.minimumLinks).toBe(3);
    });

    it('refuses more than the member connections with AWS\'s fragment, naming the count and the LAG', async () => {
      await expectClientError(
        update({ lagId: 'dxlag-allow001', minimumLinks: 4 }),
        'MinimumLinks cannot be set higher than the number of connections (3) in Lag dxlag-allow001.',
      );
      await expectClientError(update({ lagId: 'dxlag-full0001', minimumLinks: 5 }), new RegExp(`^${FRAGMENT} \\(4\\) in Lag dxlag-full0001\\.$`));
      await expectClientError(update({ lagId: 'dxlag-empty001', minimumLinks: 1 }), `${FRAGMENT} (0) in Lag dxlag-empty001.`);
      expect((await lag('dxlag-allow001'))?.minimumLinks).toBe(1);
    });

    it('counts every member, operational or not: dxlag-full0001 takes 4 though one member is down', async () => {
      expect((await update({ lagId: 'dxlag-full0001', minimumLinks: 4 })).minimumLinks).toBe(4);
    });

    it('refuses a negative value in its own words, clear of AWS\'s fragment and the other known ones', async () => {
      const error = await update({ lagId: 'dxlag-allow001', minimumLinks: -1 }).catch((e: Error) => e);
      await expectClientError(Promise.reject(error), 'minimumLinks must not be negative; got -1.');
      expect((error as Error).message).not.toContain(FRAGMENT);
      expect((error as Error).message).not.toMatch(/does not exist|Could not find|invalid format|transitioning/);
    });

    it('answers a non-integer as a SerializationException, before any lookup', async () => {
      const response = await h.call('UpdateLag', { lagId: 'dxlag-nosuch01', minimumLinks: 1.5 });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
    });

    it('changes nothing when any member of the request is refused', async () => {
      await expectClientError(update({ lagId: 'dxlag-allow001', lagName: 'Renamed', minimumLinks: 9 }), new RegExp(`^${FRAGMENT}`));
      expect(await lag('dxlag-allow001')).toMatchObject({ lagName: 'Allowed LAG', minimumLinks: 1 });
    });
  });

  describe('the rest of what it updates', () => {
    it('answers the LAG\'s wire shape, as DescribeLags shows it', async () => {
      const { $metadata, ...updated } = await update({ lagId: 'dxlag-allow001', lagName: 'Renamed' });
      expect($metadata.requestId).toMatch(UUID);
      expect(updated).toEqual(await lag('dxlag-allow001'));
      expect(updated).toMatchObject({
        lagId: 'dxlag-allow001',
        lagName: 'Renamed',
        lagState: 'available',
        region: 'us-east-1',
        location: 'EqDC2',
        connectionsBandwidth: '10Gbps',
        numberOfConnections: 3,
        minimumLinks: 1,
      });
      expect(updated.connections?.map((c) => c.connectionId)).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c']);
    });

    it('sets the encryption mode of a MACsec LAG and refuses it elsewhere, in its own words', async () => {
      expect((await update({ lagId: 'dxlag-macsec01', encryptionMode: 'should_encrypt' })).encryptionMode).toBe('should_encrypt');
      await expectClientError(update({ lagId: 'dxlag-allow001', encryptionMode: 'must_encrypt' }), 'Lag dxlag-allow001 is not MACsec capable.');
      await expectClientError(
        update({ lagId: 'dxlag-macsec01', encryptionMode: 'always' }),
        'encryptionMode must be one of no_encrypt, should_encrypt, must_encrypt.',
      );
    });

    it('refuses a deleted LAG in the form of AWS\'s wrong-state message, and an unknown one in AWS\'s words', async () => {
      await h.client().send(new DeleteLagCommand({ lagId: 'dxlag-empty001' }));
      await expectClientError(update({ lagId: 'dxlag-empty001', lagName: 'x' }), 'UpdateLag failed. dxlag-empty001 is in state deleted');
      await expectClientError(update({ lagId: 'dxlag-nosuch01', lagName: 'x' }), 'Could not find Lag with ID dxlag-nosuch01');
      await expectClientError(update({ lagId: 'foobar', lagName: 'x' }), 'Lag ID foobar has an invalid format.');
    });
  });
});

describe('a LAG\'s state follows its operational members', () => {
  it('goes down when minimumLinks rises above the operational members, and comes back when it is lowered', async () => {
    expect((await update({ lagId: 'dxlag-full0001', minimumLinks: 3 })).lagState).toBe('available');
    const raised = await update({ lagId: 'dxlag-full0001', minimumLinks: 4 });
    expect(raised).toMatchObject({ minimumLinks: 4, lagState: 'down' });
    expect((await lag('dxlag-full0001'))?.lagState).toBe('down');
    const lowered = await update({ lagId: 'dxlag-full0001', minimumLinks: 3 });
    expect(lowered).toMatchObject({ minimumLinks: 3, lagState: 'available' });
    expect((await lag('dxlag-full0001'))?.lagState).toBe('available');
  });

  it('goes down when the connection-state control takes a member below minimumLinks, and comes back with it', async () => {
    const down = await setConnectionState('dxcon-minlnk1a', 'down');
    expect(down.status).toBe(200);
    expect(await lag('dxlag-minlink01')).toMatchObject({ minimumLinks: 2, lagState: 'down' });
    await setConnectionState('dxcon-minlnk1a', 'available');
    expect((await lag('dxlag-minlink01'))?.lagState).toBe('available');
  });

  it('brings a LAG back when a down member recovers: dxcon-full001d', async () => {
    await update({ lagId: 'dxlag-full0001', minimumLinks: 4 });
    await setConnectionState('dxcon-full001d', 'available');
    expect(await lag('dxlag-full0001')).toMatchObject({ minimumLinks: 4, lagState: 'available' });
  });

  it('counts only available members as operational', async () => {
    await setConnectionState('dxcon-minlnk1b', 'requested');
    expect((await lag('dxlag-minlink01'))?.lagState).toBe('down');
  });

  it('follows a member that is deleted or disassociated', async () => {
    await h.client().send(new DeleteConnectionCommand({ connectionId: 'dxcon-minlnk1b' }));
    expect(await lag('dxlag-minlink01')).toMatchObject({ numberOfConnections: 1, lagState: 'down' });
    await h.client().send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01' }));
    expect(await lag('dxlag-lastmem01')).toMatchObject({ numberOfConnections: 0, minimumLinks: 1, lagState: 'down' });
    // Emptied LAGs come back up once they ask for no links.
    expect((await update({ lagId: 'dxlag-lastmem01', minimumLinks: 0 })).lagState).toBe('available');
  });

  it('never takes down a LAG whose minimumLinks is 0, even empty or with every member down', async () => {
    expect((await lag('dxlag-empty001'))?.lagState).toBe('available');
    expect((await update({ lagId: 'dxlag-empty001', minimumLinks: 0 })).lagState).toBe('available');
    for (const connectionId of ['dxcon-partnr1a', 'dxcon-partnr1b']) await setConnectionState(connectionId, 'down', 'eu-west-1');
    expect(await lag('dxlag-partner01', 'eu-west-1')).toMatchObject({ minimumLinks: 0, lagState: 'available' });
  });

  it('leaves a LAG that is being set up or taken down alone', async () => {
    const created = await h.client().send(
      new CreateLagCommand({ numberOfConnections: 2, location: 'EqDC2', connectionsBandwidth: '10Gbps', lagName: 'pending LAG' }),
    );
    expect(created.lagState).toBe('pending');
    // Two requested members, none operational: a settled LAG would be down.
    expect((await update({ lagId: created.lagId ?? '', minimumLinks: 2 })).lagState).toBe('pending');
    await h.client().send(new DeleteLagCommand({ lagId: 'dxlag-empty001' }));
    expect((await lag('dxlag-empty001'))?.lagState).toBe('deleted');
  });
});

// The AWS CLI (v1 here; botocore underneath) sees what the SDK sees. Botocore on its
// own: test/emulator/DirectConnect.AssociateConnectionWithLag.test.ts.
describe.skipIf(!awsCliAvailable)('the AWS CLI against the emulator', () => {
  // Async on purpose: the emulator answers from this same process.
  const aws = <T>(...args: string[]): Promise<T> => awsCli<T>(h.url, 'us-east-1', ...args);
  type Lag = { lagId: string; minimumLinks: number; lagState: string; numberOfConnections: number };

  it('raises and lowers minimumLinks, and the SDK sees the state the CLI sees', async () => {
    const raised = await aws<Lag>('update-lag', '--lag-id', 'dxlag-full0001', '--minimum-links', '4');
    expect(raised).toMatchObject({ lagId: 'dxlag-full0001', minimumLinks: 4, lagState: 'down', numberOfConnections: 4 });
    const cli = await aws<{ lags: Lag[] }>('describe-lags', '--lag-id', 'dxlag-full0001');
    expect(cli.lags[0]?.lagState).toBe('down');
    expect((await lag('dxlag-full0001'))?.lagState).toBe('down');
    const lowered = await aws<Lag>('update-lag', '--lag-id', 'dxlag-full0001', '--minimum-links', '1', '--lag-name', 'Full LAG, renamed');
    expect(lowered).toMatchObject({ minimumLinks: 1, lagState: 'available' });
    expect(await lag('dxlag-full0001')).toMatchObject({ lagName: 'Full LAG, renamed', lagState: 'available' });
  });

  it('shows the too-high refusal with AWS\'s fragment, as Ansible would read it', async () => {
    const error = await aws('update-lag', '--lag-id', 'dxlag-allow001', '--minimum-links', '4').catch((e: { stderr: string }) => e);
    expect((error as { stderr: string }).stderr).toContain(
      `An error occurred (DirectConnectClientException) when calling the UpdateLag operation: ${FRAGMENT} (3) in Lag dxlag-allow001.`,
    );
  });
});
