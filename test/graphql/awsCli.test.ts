import { describe, expect, it } from 'vitest';
import { awsCli, awsCliAvailable } from '../helpers/awsCli.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

// The AWS CLI and the gateway share the embedded emulator's state, as they do
// under `npm start` (DX_EMULATOR_PORT). .ci/run installs the CLI where it is missing.

let gw: TestGateway;

// Async on purpose: the emulator answers from this same process.
const aws = <T = any>(...args: string[]) => awsCli<T>(gw.emulatorUrl!, 'us-east-1', ...args);

describe.skipIf(!awsCliAvailable)('the AWS CLI against the embedded emulator', () => {
  gw = useTestGateway({ DX_EMULATOR_TRANSITION_MS: '0' });

  it('lists the same LAGs the gateway shows', async () => {
    const cli = await aws<{ lags: Array<{ lagId: string; numberOfConnections: number }> }>('describe-lags');
    const { body } = await gw.graphql(`{ lags { lagId numberOfConnections } }`);
    const sort = (lags: Array<{ lagId: string; numberOfConnections: number }>) =>
      lags.map((l) => `${l.lagId}:${l.numberOfConnections}`).sort();
    expect(sort(cli.lags)).toEqual(sort(body.data.lags));
  });

  it('pages through the connections with --max-results and --next-token, seeing each one the gateway lists', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await aws<{ connections: Array<{ connectionId: string }>; nextToken?: string }>(
        'describe-connections',
        '--max-results',
        '3',
        ...(token ? ['--next-token', token] : []),
      );
      expect(page.connections.length).toBeLessThanOrEqual(3);
      seen.push(...page.connections.map((c) => c.connectionId));
      token = page.nextToken;
      pages++;
    } while (token && pages < 20);
    expect(pages).toBeGreaterThan(1);
    const { body } = await gw.graphql(`{ connections { connectionId } }`);
    expect(seen.sort()).toEqual(body.data.connections.map((c: { connectionId: string }) => c.connectionId).sort());
  });

  it('disassociates through the CLI, and the gateway sees it', async () => {
    const out = await aws<{ connectionId: string; lagId?: string }>(
      'disassociate-connection-from-lag',
      '--connection-id',
      'dxcon-allow01b',
      '--lag-id',
      'dxlag-allow001',
    );
    expect(out.connectionId).toBe('dxcon-allow01b');
    expect(out.lagId).toBeUndefined();
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-allow01b") { lagId } lag(lagId: "dxlag-allow001") { numberOfConnections } }`);
    expect(body.data).toEqual({ connection: { lagId: null }, lag: { numberOfConnections: 2 } });
  });

  it('sees a disassociation made through the gateway', async () => {
    const { body } = await gw.graphql(`mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } }`);
    expect(body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const cli = await aws<{ lags: Array<{ numberOfConnections: number; connections?: Array<{ connectionId: string }> }> }>('describe-lags', '--lag-id', 'dxlag-allow001');
    expect(cli.lags[0]?.numberOfConnections).toBe(2);
    expect((cli.lags[0]?.connections ?? []).map((c) => c.connectionId)).not.toContain('dxcon-allow01a');
  });

  it('associates and updates through the CLI, and the gateway sees the LAG as the CLI leaves it', async () => {
    const joined = await aws<{ connectionId: string; lagId: string }>('associate-connection-with-lag', '--connection-id', 'dxcon-assoc01a', '--lag-id', 'dxlag-allow001');
    expect(joined).toMatchObject({ connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' });
    const updated = await aws<{ lagId: string; minimumLinks: number }>('update-lag', '--lag-id', 'dxlag-allow001', '--minimum-links', '4');
    expect(updated.minimumLinks).toBe(4);
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-allow001") { minimumLinks lagState numberOfConnections virtualInterfaces { virtualInterfaceId } } }`);
    expect(body.data.lag).toEqual({
      minimumLinks: 4,
      lagState: 'AVAILABLE',
      numberOfConnections: 4,
      virtualInterfaces: [{ virtualInterfaceId: 'dxvif-allow01pv' }, { virtualInterfaceId: 'dxvif-allow01tr' }, { virtualInterfaceId: 'dxvif-assoc01pv' }],
    });
  });

  it('sees an association and a minimumLinks update made through the gateway', async () => {
    await gw.graphql(`mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-minlnk1a", lagId: "dxlag-minlink01" }) { __typename } }`);
    const lowered = await gw.graphql(`mutation { updateLagMinimumLinks(input: { lagId: "dxlag-minlink01", minimumLinks: 1 }) { __typename } }`);
    expect(lowered.body.data.updateLagMinimumLinks.__typename).toBe('UpdateLagMinimumLinksSuccess');
    await gw.graphql(`mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-minlnk1a", lagId: "dxlag-minlink01" }) { __typename } }`);
    const back = await gw.graphql(`mutation { associateConnectionWithLag(input: { connectionId: "dxcon-minlnk1a", lagId: "dxlag-minlink01" }) { __typename } }`);
    expect(back.body.data.associateConnectionWithLag.__typename).toBe('AssociateConnectionWithLagSuccess');
    const cli = await aws<{ lags: Array<{ minimumLinks: number; connections: Array<{ connectionId: string }> }> }>('describe-lags', '--lag-id', 'dxlag-minlink01');
    expect(cli.lags[0]!.minimumLinks).toBe(1);
    expect(cli.lags[0]!.connections.map((c) => c.connectionId).sort()).toEqual(['dxcon-minlnk1a', 'dxcon-minlnk1b']);
  });
});
