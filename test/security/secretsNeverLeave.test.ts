import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED_SECRET_MARKER } from '../../src/emulator/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { capturedLogger } from '../helpers/logger.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';

// BGP MD5 keys (`authKey` on a VIF and on each BGP peer) and the router
// configuration that embeds them (`customerRouterConfig`) never leave the gateway
// (docs/contract.md, "Schema"). The emulator seeds every key with a marker; this
// drives every path that touches VIFs (queries of every field, introspection, the
// mutation's dry run, real call, refusal and StateChanged, an AWS failure on the
// VIF listing) with debug logging, an audit file and a shared Redis cache, and
// searches every response body, log line, audit line and cache entry for it.

let gw: TestGateway;
let redis: RedisServer | undefined;
let dir: string;
const log = capturedLogger();
const bodies: string[] = [];

async function post(query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  bodies.push(text);
  return JSON.parse(text);
}

const VIF = `virtualInterfaceId ownerAccount location connectionId virtualInterfaceType virtualInterfaceName vlan asn asnLong
  amazonSideAsn amazonAddress customerAddress addressFamily virtualInterfaceState mtu jumboFrameCapable virtualGatewayId
  directConnectGatewayId routeFilterPrefixes { cidr } region awsDeviceV2 awsLogicalDeviceId tags { key value } siteLinkEnabled
  bgpPeers { bgpPeerId asn asnLong addressFamily amazonAddress customerAddress bgpPeerState bgpStatus awsDeviceV2 awsLogicalDeviceId }`;

const DISASSOCIATE = `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) {
  __typename
  ... on DisassociateConnectionFromLagSuccess { planToken impact { virtualInterfacesStaying { ${VIF} } warnings { message } } }
  ... on MinimumLinksViolation { message impact { virtualInterfacesStaying { ${VIF} } } }
  ... on StateChanged { message changes { field planned current } }
  ... on DirectConnectError { code message }
} }`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgraph-secrets-'));
  redis = redisAvailable ? await startRedis() : undefined;
  gw = await startTestGateway(
    { AUDIT_LOG_FILE: join(dir, 'audit.jsonl'), DX_CACHE_TTL_MS: '60000', ...(redis ? { REDIS_URL: redis.url } : {}) },
    { logger: log.logger },
  );
});

afterAll(async () => {
  await gw?.stop();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('BGP keys and router configurations', () => {
  it('are in what the emulator answers, so the search below is real', async () => {
    const response = await fetch(gw.emulatorUrl!, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'OvertureService.DescribeVirtualInterfaces',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20261126/us-east-1/directconnect/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    const text = await response.text();
    expect(text).toContain(SEEDED_SECRET_MARKER);
    expect(text).toContain('customerRouterConfig');
  });

  it('appear in no response body, log line, audit line or cache entry, whatever path the VIFs take', async () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const listed = await post(`{ virtualInterfaces(region: "${region}") { ${VIF} lag { lagId virtualInterfaces { ${VIF} } } connection { virtualInterfaces { ${VIF} } } } }`);
      expect(listed.errors).toBeUndefined();
      expect(listed.data.virtualInterfaces.length).toBeGreaterThan(0);
      await post(`{ lags(region: "${region}") { virtualInterfaces { ${VIF} } connections { virtualInterfaces { ${VIF} } } } }`);
    }
    await post(`{ virtualInterface(virtualInterfaceId: "dxvif-allow01pv") { ${VIF} } }`);
    await post(`{ __type(name: "VirtualInterface") { fields { name } } peer: __type(name: "BgpPeer") { fields { name } } }`);

    const dry = await post(DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true } });
    await post(DISASSOCIATE, { input: { connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01' } });
    await fetch(`${gw.emulatorUrl}/_emulator/bgp-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'us-east-1', virtualInterfaceId: 'dxvif-allow01pv', bgpStatus: 'down' }),
    });
    const changed = await post(DISASSOCIATE, {
      input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', expectedPlanToken: dry.data.disassociateConnectionFromLag.planToken },
    });
    expect(changed.data.disassociateConnectionFromLag.__typename).toBe('StateChanged');
    await post(DISASSOCIATE, { input: { connectionId: 'dxcon-lastmem1a', lagId: 'dxlag-lastmem01' } });
    await gw.fault({ operation: 'DescribeVirtualInterfaces', type: 'server-error' });
    await post(`{ virtualInterfaces(region: "eu-west-1") { virtualInterfaceId } }`);
    await gw.clearFaults();

    const audit = await readFile(join(dir, 'audit.jsonl'), 'utf8');
    const cached = redis ? await cacheEntries(redis.url) : '';
    expect(bodies.length).toBeGreaterThan(8);
    // Dry runs' records, and real calls' intents and outcomes, are all searched.
    for (const kind of ['attempt', 'intent', 'outcome']) expect(audit).toContain(`"kind":"${kind}"`);
    expect(log.lines.length).toBeGreaterThan(0);
    if (redis) expect(cached).toContain('dxvif-allow01pv');
    for (const [where, text] of [['a response body', bodies.join('\n')], ['the log', log.text()], ['the audit file', audit], ['the Redis cache', cached]] as const) {
      expect(text.includes(SEEDED_SECRET_MARKER), `a BGP key reached ${where}`).toBe(false);
      expect(/authKey|customerRouterConfig/.test(text), `a secret's field name reached ${where}`).toBe(false);
    }
  });
});

async function cacheEntries(url: string): Promise<string> {
  const client = new Redis(url);
  try {
    const keys = await client.keys('*');
    const values = await Promise.all(keys.map(async (key) => ((await client.type(key)) === 'string' ? client.get(key) : '')));
    return values.join('\n');
  } finally {
    client.disconnect();
  }
}
