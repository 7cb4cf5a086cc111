import { describe, expect, it } from 'vitest';
import { totalCalls, useTestGateway } from '../helpers/gateway.js';

// The fields of Query (connection, connections, lag, lags) over real HTTP against
// npm start's wiring and the demo seed (docs/contract.md, "Schema").

const gw = useTestGateway();

const CONNECTION_FIELDS = `
  connectionId connectionName connectionState ownerAccount region location bandwidth vlan partnerName
  loaIssueTime lagId awsDevice awsDeviceV2 awsLogicalDeviceId jumboFrameCapable hasLogicalRedundancy
  tags { key value } providerName macSecCapable portEncryptionStatus encryptionMode
  macSecKeys { secretARN ckn state startOn } partnerInterconnectMacSecCapable
`;

describe('Query.connection', () => {
  it('returns a connection with AWS field names, GraphQL enum values and an ISO loaIssueTime', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-allow01a") { ${CONNECTION_FIELDS} } }`);
    expect(body.errors).toBeUndefined();
    const c = body.data.connection;
    expect(c).toMatchObject({
      connectionId: 'dxcon-allow01a',
      connectionState: 'AVAILABLE',
      region: 'us-east-1',
      lagId: 'dxlag-allow001',
      ownerAccount: '123456789012',
    });
    expect(c.loaIssueTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Array.isArray(c.tags)).toBe(true);
    expect(Array.isArray(c.macSecKeys)).toBe(true);
  });

  it('maps MACsec fields and keys to their GraphQL enums', async () => {
    const { body } = await gw.graphql(
      `{ connection(connectionId: "dxcon-macsec1a") { macSecCapable encryptionMode portEncryptionStatus macSecKeys { secretARN ckn state } } }`,
    );
    expect(body.errors).toBeUndefined();
    const c = body.data.connection;
    expect(c.portEncryptionStatus).toBe('ENCRYPTION_UP');
    expect(c.macSecKeys.length).toBeGreaterThan(0);
    expect(c.macSecKeys[0].state).toBe('ASSOCIATED');
    expect(c.macSecKeys[0].secretARN).toMatch(/^arn:aws:secretsmanager:/);
  });

  it('returns null, not an error, for a well-formed ID that does not exist', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-zzzzzzzz") { connectionId } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.connection).toBeNull();
  });

  it('refuses a malformed ID with BAD_USER_INPUT and never calls AWS', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxlag-allow001") { connectionId } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
    expect(body.errors?.[0]?.message).toContain('dxcon-');
    expect(body.errors?.[0]?.locations).toEqual([{ line: 1, column: 3 }]);
    expect(body.errors?.[0]?.path).toEqual(['connection']);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('refuses a region the gateway does not serve, naming the served ones, without calling AWS', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-allow01a", region: "ap-south-1") { connectionId } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('us-east-1');
    expect(body.errors?.[0]?.message).toContain('eu-west-1');
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('reads another served region when asked', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-euwest1a", region: "eu-west-1") { region lag { lagId } } }`);
    expect(body.data.connection).toEqual({ region: 'eu-west-1', lag: { lagId: 'dxlag-euwest01' } });
    const wrongRegion = await gw.graphql(`{ connection(connectionId: "dxcon-euwest1a") { region } }`);
    expect(wrongRegion.body.data.connection).toBeNull();
  });
});

describe('Query.connections', () => {
  it('lists every connection in the default region, LAG members and standalone alike', async () => {
    const { body } = await gw.graphql(`{ connections { connectionId lagId } }`);
    const ids = body.data.connections.map((c: { connectionId: string }) => c.connectionId);
    expect(ids).toEqual(expect.arrayContaining(['dxcon-allow01a', 'dxcon-minlnk1a', 'dxcon-standal1', 'dxcon-standal2']));
    expect(ids).not.toContain('dxcon-euwest1a');
  });

  it('lists only one LAG’s members with lagId', async () => {
    const { body } = await gw.graphql(`{ connections(lagId: "dxlag-minlink01") { connectionId lagId } }`);
    expect(body.data.connections.map((c: { connectionId: string }) => c.connectionId).sort()).toEqual([
      'dxcon-minlnk1a',
      'dxcon-minlnk1b',
    ]);
  });

  it('answers LAG_NOT_FOUND for members of a LAG that does not exist', async () => {
    const { body } = await gw.graphql(`{ connections(lagId: "dxlag-zzzzzzzz") { connectionId } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('LAG_NOT_FOUND');
  });
});

describe('Query.lag and Query.lags', () => {
  it('returns a LAG with its members, minimumLinks and tags', async () => {
    const { body } = await gw.graphql(
      `{ lag(lagId: "dxlag-minlink01") { lagId lagName lagState minimumLinks numberOfConnections connectionsBandwidth tags { key value } connections { connectionId connectionState } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.lag).toMatchObject({ lagId: 'dxlag-minlink01', minimumLinks: 2, numberOfConnections: 2 });
    expect(body.data.lag.connections).toHaveLength(2);
    expect(body.data.lag.tags.length).toBeGreaterThan(0);
  });

  it('returns null for a LAG that does not exist and BAD_USER_INPUT for a malformed ID', async () => {
    const missing = await gw.graphql(`{ lag(lagId: "dxlag-zzzzzzzz") { lagId } }`);
    expect(missing.body.data.lag).toBeNull();
    const malformed = await gw.graphql(`{ lag(lagId: "lag-1") { lagId } }`);
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists the demo LAGs of a region, including the empty one', async () => {
    const { body } = await gw.graphql(`{ lags { lagId numberOfConnections } }`);
    const byId = Object.fromEntries(body.data.lags.map((l: { lagId: string; numberOfConnections: number }) => [l.lagId, l.numberOfConnections]));
    expect(byId).toMatchObject({ 'dxlag-allow001': 3, 'dxlag-minlink01': 2, 'dxlag-lastmem01': 1, 'dxlag-empty001': 0 });
    expect(byId['dxlag-macsec01']).toBe(2);
  });

  it('shows MACsec keys on the MACsec LAG', async () => {
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-macsec01") { macSecCapable encryptionMode macSecKeys { ckn state } } }`);
    expect(body.data.lag.macSecCapable).toBe(true);
    expect(body.data.lag.encryptionMode).toBe('MUST_ENCRYPT');
    expect(body.data.lag.macSecKeys[0].ckn).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows the partner-owned LAG in eu-west-1', async () => {
    const { body } = await gw.graphql(`{ lags(region: "eu-west-1") { lagId allowsHostedConnections } }`);
    expect(body.data.lags).toEqual(expect.arrayContaining([{ lagId: 'dxlag-partner01', allowsHostedConnections: true }]));
  });
});
