import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

// Any query costs at most one Describe call per resource kind per region, a paged
// listing counting as one run (docs/contract.md, "Data loading"). Proved on the
// large seed, with the emulator's own request counts. The loaders themselves:
// test/unit/loaders/createLoaders.test.ts.

const gw = useTestGateway({ DX_EMULATOR_SEED: 'large' });

const pages = (items: number) => Math.max(1, Math.ceil(items / 100));

describe('loader batching on the large seed', () => {
  it('connections → lag → connections → lag costs one DescribeLags and one paged DescribeConnections run', async () => {
    const { body } = await gw.graphql(`{ connections { connectionId lag { lagId connections { connectionId lag { lagId } } } } }`);
    expect(body.errors).toBeUndefined();
    const connections = body.data.connections as Array<{ lag: { connections: unknown[] } | null }>;
    expect(connections.length).toBeGreaterThan(300);
    expect(connections.filter((c) => c.lag).length).toBeGreaterThan(100);
    const calls = await gw.awsCalls();
    expect(calls.DescribeLags).toBe(1);
    expect(calls.DescribeConnections).toBe(pages(connections.length));
    expect(Object.keys(calls).sort()).toEqual(['DescribeConnections', 'DescribeLags']);
  });

  it('lags → connections → lag costs a single DescribeLags and no DescribeConnections', async () => {
    const { body } = await gw.graphql(`{ lags { lagId connections { connectionId lag { lagId } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.lags.length).toBeGreaterThan(10);
    for (const lag of body.data.lags) {
      for (const member of lag.connections) expect(member.lag.lagId).toBe(lag.lagId);
    }
    const calls = await gw.awsCalls();
    expect(calls).toEqual({ DescribeLags: pages(body.data.lags.length) });
  });

  it('keeps to one run per kind per region when one query spans three regions', async () => {
    const { body } = await gw.graphql(`{
      a: connections(region: "us-east-1") { lag { lagId } }
      b: connections(region: "us-west-2") { lag { lagId } }
      c: connections(region: "eu-west-1") { lag { lagId } }
    }`);
    expect(body.errors).toBeUndefined();
    const expectedPages = ['a', 'b', 'c'].reduce((sum, k) => sum + pages(body.data[k].length), 0);
    const calls = await gw.awsCalls();
    expect(calls.DescribeLags).toBe(3);
    expect(calls.DescribeConnections).toBe(expectedPages);
  });

  it('lists a region once when one query asks for a LAG by ID and for all LAGs', async () => {
    const { body } = await gw.graphql(`{ lags(region: "us-west-2") { lagId } }`);
    const id = body.data.lags[0].lagId;
    await gw.reset();
    const mixed = await gw.graphql(`{
      one: lag(lagId: "${id}", region: "us-west-2") { lagId connections { lag { lagId } } }
      all: lags(region: "us-west-2") { lagId }
      members: connections(region: "us-west-2") { lag { lagId } }
      missing: connection(connectionId: "dxcon-zzzzzzzz", region: "us-west-2") { connectionId }
    }`);
    expect(mixed.body.errors).toBeUndefined();
    expect(mixed.body.data.one.lagId).toBe(id);
    expect(mixed.body.data.missing).toBeNull();
    const calls = await gw.awsCalls();
    expect(calls.DescribeLags).toBe(1);
    expect(calls.DescribeConnections).toBe(pages(mixed.body.data.members.length));
  });

  it('asks for one LAG by ID when only one is needed', async () => {
    const { body } = await gw.graphql(`{ connections(region: "us-west-2") { connectionId lagId } }`);
    const member = (body.data.connections as Array<{ connectionId: string; lagId: string | null }>).find((c) => c.lagId);
    expect(member).toBeDefined();
    await gw.reset();
    const one = await gw.graphql(`{ connection(connectionId: "${member!.connectionId}", region: "us-west-2") { lag { lagId } } }`);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data.connection.lag.lagId).toBe(member!.lagId);
    const calls = await gw.awsCalls();
    expect(calls.DescribeConnections).toBe(1);
    expect(calls.DescribeLags).toBe(1);
  });

  it('reaches VIFs from LAGs, members, standalone connections and the listing with one paged DescribeVirtualInterfaces run', async () => {
    const { body } = await gw.graphql(`{
      lags { lagId virtualInterfaces { virtualInterfaceId connection { connectionId } lag { lagId virtualInterfaces { virtualInterfaceId } } }
             connections { connectionId virtualInterfaces { virtualInterfaceId } } }
      connections { connectionId virtualInterfaces { virtualInterfaceId bgpPeers { bgpStatus } connection { connectionId virtualInterfaces { virtualInterfaceId } } } }
      all: virtualInterfaces { virtualInterfaceId lag { lagId } connection { connectionId } }
    }`);
    expect(body.errors).toBeUndefined();
    const all = body.data.all as Array<{ lag: { lagId: string } | null; connection: { connectionId: string } | null }>;
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((v) => v.lag).length).toBeGreaterThan(50);
    expect(all.filter((v) => v.connection).length).toBeGreaterThan(10);
    const onLags = (body.data.lags as Array<{ lagId: string; virtualInterfaces: Array<{ lag: { lagId: string } }> }>).flatMap((lag) => {
      for (const vif of lag.virtualInterfaces) expect(vif.lag.lagId).toBe(lag.lagId);
      return lag.virtualInterfaces;
    });
    const onConnections = (body.data.connections as Array<{ virtualInterfaces: unknown[] }>).flatMap((c) => c.virtualInterfaces);
    expect(onLags.length + onConnections.length).toBe(all.length);
    const calls = await gw.awsCalls();
    expect(calls.DescribeVirtualInterfaces).toBe(pages(all.length));
    expect(calls.DescribeLags).toBe(pages(body.data.lags.length));
    expect(calls.DescribeConnections).toBe(pages(body.data.connections.length));
  });

  it('keeps to one VIF run per region when one query spans three regions and asks for one VIF by ID', async () => {
    const listed = await gw.graphql(`{
      a: virtualInterfaces(region: "us-east-1") { virtualInterfaceId }
      b: virtualInterfaces(region: "us-west-2") { virtualInterfaceId }
      c: virtualInterfaces(region: "eu-west-1") { virtualInterfaceId }
    }`);
    const id = listed.body.data.b[0].virtualInterfaceId;
    const expectedPages = ['a', 'b', 'c'].reduce((sum, k) => sum + pages(listed.body.data[k].length), 0);
    await gw.reset();
    const { body } = await gw.graphql(`{
      one: virtualInterface(virtualInterfaceId: "${id}", region: "us-west-2") { virtualInterfaceId }
      unknown: virtualInterface(virtualInterfaceId: "dxvif-zzzzzzzz", region: "us-west-2") { virtualInterfaceId }
      a: lags(region: "us-east-1") { virtualInterfaces { virtualInterfaceId } }
      b: lags(region: "us-west-2") { virtualInterfaces { virtualInterfaceId } }
      c: lags(region: "eu-west-1") { virtualInterfaces { virtualInterfaceId } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.one.virtualInterfaceId).toBe(id);
    expect(body.data.unknown).toBeNull();
    const calls = await gw.awsCalls();
    expect(calls.DescribeLags).toBe(3);
    // Each region's VIF listing once, paged: us-west-2's serves both `one` and `b`.
    expect(calls.DescribeVirtualInterfaces).toBe(expectedPages);
  });

  it('asks CloudWatch once per region for the traffic of every connection, LAG and VIF of the large seed, across every depth of the query', async () => {
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1'];
    const fields = regions.map(
      (region, i) => `
        c${i}: connections(region: "${region}") { connectionId traffic { known egressPeakGbps } }
        l${i}: lags(region: "${region}") { lagId traffic { known egressPeakGbps } connections { traffic { known } } }
        v${i}: virtualInterfaces(region: "${region}") { virtualInterfaceId traffic { known ingressPeakGbps } lag { traffic { known } } }`,
    );
    const { body } = await gw.graphql(`{ ${fields.join('\n')} }`);
    expect(body.errors).toBeUndefined();
    let series = 0;
    for (let i = 0; i < regions.length; i++) {
      const { [`c${i}`]: connections, [`l${i}`]: lags, [`v${i}`]: vifs } = body.data as Record<string, Array<{ traffic: { known: boolean; egressPeakGbps?: number } }>>;
      // More than one call of MetricStat queries could hold (250 sources): the search path.
      expect(connections!.length + vifs!.length).toBeGreaterThan(250);
      series += 2 * (connections!.length + vifs!.length);
      for (const item of [...connections!, ...lags!, ...vifs!]) expect(item.traffic.known).toBe(true);
      // A LAG's peak is its members' per-minute sum, so at least its busiest member's.
      for (const lag of lags as unknown as Array<{ traffic: { egressPeakGbps: number }; connections: unknown[] }>) expect(lag.traffic.egressPeakGbps).toBeGreaterThan(0);
    }
    expect(series).toBeGreaterThan(3 * 1000);
    const calls = await gw.awsCalls();
    expect(calls.GetMetricData).toBe(regions.length);
  });

  it('asks CloudWatch once for a region\'s every series also when the traffic is reached only through listings', async () => {
    const { body } = await gw.graphql(`{ lags(region: "us-west-2") { virtualInterfaces { traffic { known } } connections { virtualInterfaces { traffic { known } } traffic { known } } } }`);
    expect(body.errors).toBeUndefined();
    expect((await gw.awsCalls()).GetMetricData).toBe(1);
  });
});
