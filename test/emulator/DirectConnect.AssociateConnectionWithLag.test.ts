import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import {
  AssociateConnectionWithLagCommand,
  DeleteConnectionCommand,
  DescribeConnectionsCommand,
  DescribeHostedConnectionsCommand,
  DescribeInterconnectsCommand,
  DescribeLagsCommand,
  DescribeVirtualInterfacesCommand,
  DirectConnectClient,
  DisassociateConnectionFromLagCommand,
  UpdateLagCommand,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { deviceOf } from '../../src/emulator/regionStore.js';
import { createRequestListener } from '../../src/emulator/router.js';
import { DEMO_ENDPOINTS } from '../../src/emulator/seed.js';
import { EmulatorState } from '../../src/emulator/state.js';
import { awsCli, awsCliAvailable } from '../helpers/awsCli.js';
import { CREDENTIALS, expectClientError, sleep, useEmulator, UUID } from '../helpers/emulator.js';

// The emulator's AssociateConnectionWithLag, the AWS operation, through the real SDK,
// the AWS CLI and botocore (docs/aws-behaviour.md, "Associating, updating and
// deleting"). Each refusal has a seeded connection that breaks that rule only:
// dxcon-otherdv1 the endpoint, dxcon-wrongbw1 the bandwidth, dxcon-spare01a the
// quota of dxlag-full0001. MACsec and an interconnect with hosted connections are
// not in the seed; their tests change a store of their own first.

const TRANSITION_MS = 200;
const h = useEmulator({ transitionMs: TRANSITION_MS });
const KNOWN_FRAGMENTS = /does not exist|Could not find|invalid format|transitioning/;

const associate = (connectionId: string, lagId: string, client: DirectConnectClient = h.client()) =>
  client.send(new AssociateConnectionWithLagCommand({ connectionId, lagId }));

const lag = async (lagId: string, client: DirectConnectClient = h.client()) =>
  (await client.send(new DescribeLagsCommand({ lagId }))).lags?.[0];

const members = async (lagId: string, client?: DirectConnectClient) =>
  (await lag(lagId, client))?.connections?.map((c) => c.connectionId);

const vifsOn = async (connectionId: string, client: DirectConnectClient = h.client()) =>
  (await client.send(new DescribeVirtualInterfacesCommand({ connectionId }))).virtualInterfaces?.map((v) => v.virtualInterfaceId);

/** Whatever a refused call answers, in full, and its message kept clear of AWS's known fragments. */
async function expectOwnWording(call: Promise<unknown>, message: string): Promise<void> {
  await expectClientError(call, message);
  expect(message).not.toMatch(KNOWN_FRAGMENTS);
}

/**
 * A demo emulator of its own, changed by `tailor` before it serves, for a case the
 * seed does not hold; still the real SDK over HTTP.
 */
async function withTailoredEmulator(
  tailor: (state: EmulatorState) => void,
  test: (client: (region?: string) => DirectConnectClient) => Promise<void>,
): Promise<void> {
  const state = new EmulatorState('demo', TRANSITION_MS, 0);
  tailor(state);
  const server = createServer(createRequestListener(state));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const clients: DirectConnectClient[] = [];
  try {
    const { port } = server.address() as AddressInfo;
    await test((region = 'us-east-1') => {
      const client = new DirectConnectClient({ endpoint: `http://127.0.0.1:${port}`, region, credentials: CREDENTIALS, maxAttempts: 1 });
      clients.push(client);
      return client;
    });
  } finally {
    for (const client of clients) client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('AssociateConnectionWithLag', () => {
  describe('a standalone connection joining', () => {
    it('answers the connection with the LAG\'s ID, and the LAG counts it', async () => {
      const joined = await associate('dxcon-assoc01a', 'dxlag-allow001');
      expect(joined.$metadata.requestId).toMatch(UUID);
      expect(joined).toMatchObject({
        connectionId: 'dxcon-assoc01a',
        lagId: 'dxlag-allow001',
        connectionState: 'available',
        bandwidth: '10Gbps',
        awsDeviceV2: DEMO_ENDPOINTS.A.awsDeviceV2,
      });
      const after = await lag('dxlag-allow001');
      expect(after?.numberOfConnections).toBe(4);
      expect(after?.connections?.map((c) => c.connectionId)).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c', 'dxcon-assoc01a']);
      expect(after?.lagState).toBe('available');
    });

    it('moves the VIFs directly on the connection to the LAG, beside the LAG\'s own', async () => {
      expect(await vifsOn('dxcon-assoc01a')).toEqual(['dxvif-assoc01pv']);
      await associate('dxcon-assoc01a', 'dxlag-allow001');
      expect(await vifsOn('dxlag-allow001')).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr', 'dxvif-assoc01pv']);
      expect(await vifsOn('dxcon-assoc01a')).toEqual([]);
      const { virtualInterfaces } = await h.client().send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId: 'dxvif-assoc01pv' }));
      // Same endpoint, so the VIF still reports the device it rides on.
      expect(virtualInterfaces?.[0]).toMatchObject({
        connectionId: 'dxlag-allow001',
        vlan: 801,
        awsDeviceV2: DEMO_ENDPOINTS.A.awsDeviceV2,
        awsLogicalDeviceId: DEMO_ENDPOINTS.A.awsLogicalDeviceId,
      });
    });

    it('may join the empty LAG too', async () => {
      await associate('dxcon-assoc01a', 'dxlag-empty001');
      expect(await lag('dxlag-empty001')).toMatchObject({ numberOfConnections: 1, lagState: 'available', minimumLinks: 0 });
    });

    it('comes back after a disassociation, restoring the membership', async () => {
      await h.client().send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-allow01b', lagId: 'dxlag-allow001' }));
      expect(await members('dxlag-allow001')).toEqual(['dxcon-allow01a', 'dxcon-allow01c']);
      await sleep(TRANSITION_MS + 50);
      const back = await associate('dxcon-allow01b', 'dxlag-allow001');
      expect(back.lagId).toBe('dxlag-allow001');
      expect(await members('dxlag-allow001')).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c']);
      expect(await lag('dxlag-allow001')).toMatchObject({ numberOfConnections: 3, lagState: 'available', minimumLinks: 1 });
      // It left without VIFs of its own and the LAG kept its VIFs throughout.
      expect(await vifsOn('dxlag-allow001')).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
      const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-allow01b' }));
      expect(connections?.[0]).toMatchObject({ lagId: 'dxlag-allow001', connectionState: 'available' });
    });

    it('is transitioning afterwards, like a connection that left', async () => {
      await associate('dxcon-assoc01a', 'dxlag-allow001');
      await expectClientError(
        h.client().send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' })),
        'Connection dxcon-assoc01a is in a transitioning state.',
      );
    });
  });

  describe('a member moving from another LAG', () => {
    it('refuses to take the LAG it leaves below its minimum links: dxcon-minlnk1a to dxlag-allow001', async () => {
      await expectOwnWording(
        associate('dxcon-minlnk1a', 'dxlag-allow001'),
        'Removing connection dxcon-minlnk1a would leave Lag dxlag-minlink01 with 1 operational connection(s), below its minimumLinks of 2.',
      );
      expect(await members('dxlag-minlink01')).toEqual(['dxcon-minlnk1a', 'dxcon-minlnk1b']);
      expect(await members('dxlag-allow001')).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c']);
    });

    it('lets the last member move, even below minimum links; the emptied LAG keeps its VIFs and goes down', async () => {
      const moved = await associate('dxcon-lastmem1a', 'dxlag-allow001');
      expect(moved.lagId).toBe('dxlag-allow001');
      expect(await members('dxlag-allow001')).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c', 'dxcon-lastmem1a']);
      const emptied = await lag('dxlag-lastmem01');
      expect(emptied).toMatchObject({ numberOfConnections: 0, connections: [], minimumLinks: 1, lagState: 'down' });
      // The VIFs of the LAG it left stay there; none move with the member.
      expect(await vifsOn('dxlag-lastmem01')).toEqual(['dxvif-lastmem1pb', 'dxvif-lastmem1pv']);
      expect(await vifsOn('dxlag-allow001')).toEqual(['dxvif-allow01pv', 'dxvif-allow01tr']);
    });

    it('settles both LAGs: the one joined comes back up, the one left may go down', async () => {
      await h.control('connection-state', { method: 'POST', body: { region: 'us-east-1', connectionId: 'dxcon-minlnk1b', connectionState: 'down' } });
      expect((await lag('dxlag-minlink01'))?.lagState).toBe('down');
      await associate('dxcon-assoc01a', 'dxlag-minlink01');
      expect(await lag('dxlag-minlink01')).toMatchObject({ numberOfConnections: 3, lagState: 'available' });
    });
  });

  describe('refusals, each on the seed', () => {
    it('refuses a connection already in the LAG', async () => {
      await expectOwnWording(associate('dxcon-allow01a', 'dxlag-allow001'), 'Connection dxcon-allow01a is already a member of Lag dxlag-allow001.');
    });

    it('refuses a connection on another endpoint of the same location: dxcon-otherdv1', async () => {
      await expectOwnWording(
        associate('dxcon-otherdv1', 'dxlag-allow001'),
        `Connection dxcon-otherdv1 is on endpoint ${DEMO_ENDPOINTS.D.awsDeviceV2} but Lag dxlag-allow001 is on endpoint ${DEMO_ENDPOINTS.A.awsDeviceV2}.`,
      );
      // The location alone would have let it in.
      const [otherdv1] = (await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-otherdv1' }))).connections ?? [];
      expect([otherdv1?.location, otherdv1?.bandwidth]).toEqual(['EqDC2', '10Gbps']);
    });

    it('refuses a connection with another bandwidth: dxcon-wrongbw1', async () => {
      await expectOwnWording(
        associate('dxcon-wrongbw1', 'dxlag-allow001'),
        'Connection dxcon-wrongbw1 has bandwidth 1Gbps but Lag dxlag-allow001 requires 10Gbps.',
      );
    });

    it('refuses a fifth 10G connection: dxcon-spare01a to the full dxlag-full0001', async () => {
      await expectOwnWording(associate('dxcon-spare01a', 'dxlag-full0001'), 'Lag dxlag-full0001 already has the maximum of 4 connections.');
      expect((await lag('dxlag-full0001'))?.numberOfConnections).toBe(4);
    });

    it('refuses a MACsec LAG\'s endpoint to connections of other endpoints before looking at MACsec', async () => {
      await expectClientError(associate('dxcon-assoc01a', 'dxlag-macsec01'), /^Connection dxcon-assoc01a is on endpoint /);
    });

    it('refuses a deleted connection in the form of AWS\'s wrong-state message', async () => {
      await h.client().send(new DeleteConnectionCommand({ connectionId: 'dxcon-assoc01a' }));
      await expectClientError(associate('dxcon-assoc01a', 'dxlag-allow001'), 'AssociateConnectionWithLag failed. dxcon-assoc01a is in state deleted');
    });

    it('uses AWS\'s words for unknown and malformed IDs, checked before anything else', async () => {
      await expectClientError(associate('dxcon-nosuch01', 'dxlag-allow001'), 'Connection does not exist');
      await expectClientError(associate('dxcon-otherdv1', 'dxlag-nosuch01'), 'Lag does not exist');
      await expectClientError(associate('foobar', 'dxlag-allow001'), 'Connection ID foobar has an invalid format.');
      await expectClientError(associate('dxcon-otherdv1', 'foobar'), 'Lag ID foobar has an invalid format.');
      await expectClientError(associate('dxcon-hosted01', 'dxlag-partner01', h.client('eu-west-1')), 'Connection does not exist');
    });
  });

  describe('the order of the checks', () => {
    it('reports the endpoint before the bandwidth and the quota', async () => {
      // 1G on endpoint A, against a full 10G LAG on endpoint C.
      await expectClientError(associate('dxcon-wrongbw1', 'dxlag-full0001'), /^Connection dxcon-wrongbw1 is on endpoint /);
    });

    it('reports the quota before the minimum links of the LAG it leaves', async () => {
      await associate('dxcon-assoc01a', 'dxlag-allow001');
      await expectClientError(associate('dxcon-minlnk1a', 'dxlag-allow001'), 'Lag dxlag-allow001 already has the maximum of 4 connections.');
    });

    it('reports "already a member" before anything about the endpoint', async () => {
      await expectClientError(associate('dxcon-full001a', 'dxlag-full0001'), 'Connection dxcon-full001a is already a member of Lag dxlag-full0001.');
    });

    it('reports transitioning before "already a member"', async () => {
      await associate('dxcon-assoc01a', 'dxlag-allow001');
      await expectClientError(associate('dxcon-assoc01a', 'dxlag-allow001'), 'Connection dxcon-assoc01a is in a transitioning state.');
    });
  });

  describe('MACsec (on a store changed for it)', () => {
    // dxcon-otherdv1 moved onto dxlag-macsec01's endpoint B: only MACsec stands between them.
    const onEndpointB = (state: EmulatorState) => {
      const otherdv1 = state.stores.get('us-east-1').connections.get('dxcon-otherdv1');
      if (otherdv1) Object.assign(otherdv1, deviceOf(DEMO_ENDPOINTS.B));
    };

    it('refuses a connection that is not MACsec capable into a LAG that must encrypt, in its own words', async () => {
      await withTailoredEmulator(onEndpointB, async (client) => {
        await expectOwnWording(
          associate('dxcon-otherdv1', 'dxlag-macsec01', client()),
          'Lag dxlag-macsec01 uses MACsec (encryptionMode must_encrypt) but connection dxcon-otherdv1 is not MACsec capable.',
        );
        expect(await members('dxlag-macsec01', client())).toEqual(['dxcon-macsec1a', 'dxcon-macsec1b']);
      });
    });

    it('refuses it too while the LAG holds MACsec keys, whatever its encryption mode', async () => {
      await withTailoredEmulator(onEndpointB, async (client) => {
        await client().send(new UpdateLagCommand({ lagId: 'dxlag-macsec01', encryptionMode: 'should_encrypt' }));
        await expectClientError(associate('dxcon-otherdv1', 'dxlag-macsec01', client()), /^Lag dxlag-macsec01 uses MACsec \(encryptionMode should_encrypt\)/);
      });
    });

    it('accepts a MACsec-capable connection, and any connection once the LAG neither must encrypt nor holds keys', async () => {
      await withTailoredEmulator(
        (state) => {
          onEndpointB(state);
          const store = state.stores.get('us-east-1');
          const spare = store.connections.get('dxcon-spare01a');
          if (spare) Object.assign(spare, deviceOf(DEMO_ENDPOINTS.B), { macSecCapable: true });
        },
        async (client) => {
          expect((await associate('dxcon-spare01a', 'dxlag-macsec01', client())).lagId).toBe('dxlag-macsec01');
          await client().send(new UpdateLagCommand({ lagId: 'dxlag-macsec01', encryptionMode: 'no_encrypt' }));
          await expectClientError(associate('dxcon-otherdv1', 'dxlag-macsec01', client()), /uses MACsec \(encryptionMode no_encrypt\)/);
        },
      );
      await withTailoredEmulator(
        (state) => {
          onEndpointB(state);
          const macsec = state.stores.get('us-east-1').lags.get('dxlag-macsec01');
          if (macsec) Object.assign(macsec, { encryptionMode: 'should_encrypt', macSecKeys: [] });
        },
        async (client) => {
          expect((await associate('dxcon-otherdv1', 'dxlag-macsec01', client())).lagId).toBe('dxlag-macsec01');
        },
      );
    });
  });

  describe('an interconnect joining a LAG', () => {
    it('is refused on the seed: dxcon-intrcon01 is on an endpoint of its own', async () => {
      await expectClientError(associate('dxcon-intrcon01', 'dxlag-euwest01', h.client('eu-west-1')), /^Connection dxcon-intrcon01 is on endpoint EqLD5-/);
    });

    // dxcon-intrcon01 moved onto dxlag-euwest01's endpoint, with a hosted connection of another account on it.
    const withHosted = (state: EmulatorState) => {
      const store = state.stores.get('eu-west-1');
      const interconnect = store.connections.get('dxcon-intrcon01');
      const euLag = store.lags.get('dxlag-euwest01');
      if (!interconnect || !euLag) throw new Error('the demo seed lost dxcon-intrcon01 or dxlag-euwest01');
      Object.assign(interconnect, deviceOf(euLag));
      store.addConnection({
        kind: 'hosted',
        parentId: 'dxcon-intrcon01',
        connectionId: 'dxcon-hostic01',
        connectionName: 'Hosted connection on the interconnect',
        connectionState: 'available',
        ownerAccount: '210987654321',
        location: 'EqLD5',
        bandwidth: '500Mbps',
        vlan: 201,
        partnerName: 'Example Partner Networks',
        ...deviceOf(euLag),
        tags: [],
      });
    };

    it('takes its hosted connections along to the LAG and becomes a partner-owned member', async () => {
      await withTailoredEmulator(withHosted, async (client) => {
        const eu = client('eu-west-1');
        const hostedOn = async (connectionId: string) =>
          (await eu.send(new DescribeHostedConnectionsCommand({ connectionId }))).connections?.map((c) => c.connectionId);
        expect(await hostedOn('dxcon-intrcon01')).toEqual(['dxcon-hostic01']);
        expect(await lag('dxlag-euwest01', eu)).toMatchObject({ allowsHostedConnections: false, numberOfConnections: 2 });

        const joined = await associate('dxcon-intrcon01', 'dxlag-euwest01', eu);
        expect(joined).toMatchObject({ connectionId: 'dxcon-intrcon01', lagId: 'dxlag-euwest01' });
        expect(await hostedOn('dxlag-euwest01')).toEqual(['dxcon-hostic01']);
        expect(await lag('dxlag-euwest01', eu)).toMatchObject({ allowsHostedConnections: true, numberOfConnections: 3 });
        expect(await members('dxlag-euwest01', eu)).toContain('dxcon-intrcon01');
        // A LAG member now, so no longer an interconnect.
        await expectClientError(
          eu.send(new DescribeInterconnectsCommand({ interconnectId: 'dxcon-intrcon01' })),
          'Could not find Interconnect with ID dxcon-intrcon01',
        );
        const { connections } = await eu.send(new DescribeConnectionsCommand({ connectionId: 'dxcon-intrcon01' }));
        expect(connections?.[0]?.lagId).toBe('dxlag-euwest01');

        // Leaving again, it turns back into an interconnect; the hosted connection stays with the LAG.
        await sleep(TRANSITION_MS + 50);
        await eu.send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-intrcon01', lagId: 'dxlag-euwest01' }));
        const { interconnects } = await eu.send(new DescribeInterconnectsCommand({ interconnectId: 'dxcon-intrcon01' }));
        expect(interconnects?.[0]?.interconnectId).toBe('dxcon-intrcon01');
        expect(await hostedOn('dxlag-euwest01')).toEqual(['dxcon-hostic01']);
        expect(await hostedOn('dxcon-intrcon01')).toEqual([]);
      });
    });
  });
});

// The AWS CLI (v1 here; botocore underneath) and botocore itself see what the SDK sees.
describe.skipIf(!awsCliAvailable)('the AWS CLI against the emulator', () => {
  // Async on purpose: the emulator answers from this same process.
  const aws = <T>(...args: string[]): Promise<T> => awsCli<T>(h.url, 'us-east-1', ...args);
  type Connection = { connectionId: string; lagId?: string; connectionState: string };
  type Lags = { lags: Array<{ lagId: string; numberOfConnections: number; connections: Connection[] }> };

  it('associates a connection, and the SDK sees the LAG the CLI sees', async () => {
    const joined = await aws<Connection>('associate-connection-with-lag', '--connection-id', 'dxcon-assoc01a', '--lag-id', 'dxlag-allow001');
    expect(joined).toMatchObject({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001', connectionState: 'available' });
    const cli = await aws<Lags>('describe-lags', '--lag-id', 'dxlag-allow001');
    expect(cli.lags[0]?.numberOfConnections).toBe(4);
    expect(cli.lags[0]?.connections.map((c) => c.connectionId)).toEqual(await members('dxlag-allow001'));
    const vifs = await aws<{ virtualInterfaces: Array<{ virtualInterfaceId: string }> }>('describe-virtual-interfaces', '--connection-id', 'dxlag-allow001');
    expect(vifs.virtualInterfaces.map((v) => v.virtualInterfaceId)).toContain('dxvif-assoc01pv');
  });

  it('shows a refusal as a DirectConnectClientException with the emulator\'s message', async () => {
    const error = await aws('associate-connection-with-lag', '--connection-id', 'dxcon-spare01a', '--lag-id', 'dxlag-full0001').catch(
      (e: { stderr: string }) => e,
    );
    expect((error as { stderr: string }).stderr).toContain(
      'An error occurred (DirectConnectClientException) when calling the AssociateConnectionWithLag operation: ' +
        'Lag dxlag-full0001 already has the maximum of 4 connections.',
    );
  });
});

const run = promisify(execFile);
const botocoreAvailable = await run('python3', ['-c', 'import botocore']).then(
  () => true,
  () => false,
);
if (!botocoreAvailable) console.warn('Skipping the botocore tests: python3 cannot import botocore.');

/**
 * Associates dxcon-assoc01a with dxlag-allow001, tries the full LAG, raises
 * dxlag-full0001's minimumLinks to 4 and then past its members, all with botocore,
 * and prints what it saw as JSON.
 */
const BOTOCORE_SCRIPT = `
import json, sys
import botocore.session
from botocore.exceptions import ClientError

client = botocore.session.get_session().create_client(
    'directconnect', region_name='us-east-1', endpoint_url=sys.argv[1],
    aws_access_key_id='test', aws_secret_access_key='test')

def refusal(call, **kwargs):
    try:
        call(**kwargs)
        return None
    except ClientError as error:
        return {'code': error.response['Error']['Code'], 'message': error.response['Error']['Message']}

joined = client.associate_connection_with_lag(connectionId='dxcon-assoc01a', lagId='dxlag-allow001')
full = refusal(client.associate_connection_with_lag, connectionId='dxcon-spare01a', lagId='dxlag-full0001')
raised = client.update_lag(lagId='dxlag-full0001', minimumLinks=4)
too_high = refusal(client.update_lag, lagId='dxlag-full0001', minimumLinks=5)
allowed = client.describe_lags(lagId='dxlag-allow001')['lags'][0]
print(json.dumps({
    'joined': {'connectionId': joined['connectionId'], 'lagId': joined.get('lagId')},
    'full': full,
    'raised': {'minimumLinks': raised['minimumLinks'], 'lagState': raised['lagState']},
    'tooHigh': too_high,
    'allowedMembers': [c['connectionId'] for c in allowed['connections']],
}))
`;

describe.skipIf(!botocoreAvailable)('botocore against the emulator', () => {
  it('associates, is refused, and updates a LAG as the SDK sees it', async () => {
    const { stdout } = await run('python3', ['-c', BOTOCORE_SCRIPT, h.url], {
      env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen).toEqual({
      joined: { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' },
      full: { code: 'DirectConnectClientException', message: 'Lag dxlag-full0001 already has the maximum of 4 connections.' },
      raised: { minimumLinks: 4, lagState: 'down' },
      tooHigh: {
        code: 'DirectConnectClientException',
        message: 'MinimumLinks cannot be set higher than the number of connections (4) in Lag dxlag-full0001.',
      },
      allowedMembers: ['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c', 'dxcon-assoc01a'],
    });
    expect(await members('dxlag-allow001')).toEqual(seen.allowedMembers);
    expect(await lag('dxlag-full0001')).toMatchObject({ minimumLinks: 4, lagState: 'down' });
  });
});
