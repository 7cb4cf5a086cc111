import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import {
  DescribeConnectionsCommand,
  DescribeHostedConnectionsCommand,
  DescribeLagsCommand,
  DescribeVirtualInterfacesCommand,
  DirectConnectClient,
  DirectConnectClientException,
  DirectConnectServiceException,
  type Connection,
  type DescribeConnectionsCommandInput,
  type DescribeLagsCommandInput,
  type Lag,
} from '@aws-sdk/client-direct-connect';
import { pino } from 'pino';
import { DirectConnectService } from '../../../src/aws/directConnect.js';
import { AwsCallFailed } from '../../../src/aws/classifyAwsError.js';
import { errorExtensions } from '../../../src/errors/GatewayError.js';
import { createLoaders, type Loaders } from '../../../src/loaders/index.js';
import { MemoryReadCache } from '../../../src/cache/memoryReadCache.js';
import { createMetrics } from '../../../src/metrics.js';

/** What a client is shown of a failure a loader handed on (src/errors/masking.ts). */
const shown = (failure: unknown) => {
  const { code, awsRequestId } = (failure as AwsCallFailed).classified;
  return errorExtensions(code, awsRequestId);
};

const silent = pino({ level: 'silent' });

// src/loaders/index.ts, createLoaders: the per-request DataLoaders (docs/contract.md,
// "Data loading"). Per region, one key → Describe with that ID; several → one paged
// listing of the region; lists prime the by-ID loaders. Over real HTTP, counting the
// emulator's calls: test/graphql/awsCallsPerQuery.test.ts.

const US = 'us-east-1';
const EU = 'eu-west-1';

const lag = (id: string, region = US): Lag => ({ lagId: id, lagName: `lag ${id}`, region, lagState: 'available', connections: [] });
const connection = (id: string, region = US): Connection => ({
  connectionId: id,
  connectionName: `connection ${id}`,
  region,
  connectionState: 'available',
});

const META = { $metadata: { httpStatusCode: 200, requestId: 'req-ok' } };

const notFound = (message: string) =>
  new DirectConnectClientException({ message, $metadata: { httpStatusCode: 400, requestId: 'req-nf' } });

const throttled = () =>
  new DirectConnectServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400, requestId: 'req-throttled', attempts: 3 },
  });

const lagInputs = (mock: AwsClientStub<DirectConnectClient>) =>
  mock.commandCalls(DescribeLagsCommand).map((call) => call.args[0].input);
const connectionInputs = (mock: AwsClientStub<DirectConnectClient>) =>
  mock.commandCalls(DescribeConnectionsCommand).map((call) => call.args[0].input);

/** DescribeLags answering like AWS from a fixed list, two items a page when listing. */
function describeLagsFrom(lags: Lag[]) {
  return (input: DescribeLagsCommandInput) => {
    if (input.lagId) {
      const found = lags.filter((l) => l.lagId === input.lagId);
      if (found.length === 0) throw notFound(`Could not find Lag with ID ${input.lagId}`);
      return { ...META, lags: found };
    }
    const start = input.nextToken ? Number(input.nextToken.replace('page-', '')) : 0;
    const next = start + 2 < lags.length ? `page-${start + 2}` : undefined;
    return { ...META, lags: lags.slice(start, start + 2), nextToken: next };
  };
}

function describeConnectionsFrom(connections: Connection[]) {
  return (input: DescribeConnectionsCommandInput) => {
    if (input.connectionId) {
      const found = connections.filter((c) => c.connectionId === input.connectionId);
      if (found.length === 0) throw notFound(`Could not find Connection with ID ${input.connectionId}`);
      return { ...META, connections: found };
    }
    const start = input.nextToken ? Number(input.nextToken.replace('page-', '')) : 0;
    const next = start + 2 < connections.length ? `page-${start + 2}` : undefined;
    return { ...META, connections: connections.slice(start, start + 2), nextToken: next };
  };
}

describe('loaders in one region', () => {
  let mock: AwsClientStub<DirectConnectClient>;
  let loaders: Loaders;

  beforeEach(() => {
    mock = mockClient(DirectConnectClient);
    const client = new DirectConnectClient({ region: US });
    loaders = createLoaders(new DirectConnectService(() => client, silent));
  });

  afterEach(() => {
    mock.restore();
  });

  describe('lagById', () => {
    it('asks DescribeLags for the one ID when a batch holds one key', async () => {
      mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-aaaa0001'), lag('dxlag-aaaa0002')]));

      const result = await loaders.lagById.load({ region: US, id: 'dxlag-aaaa0002' });

      expect(result?.lagId).toBe('dxlag-aaaa0002');
      expect(lagInputs(mock)).toEqual([{ lagId: 'dxlag-aaaa0002' }]);
    });

    it('lists the region once, following nextToken, when a batch holds several keys', async () => {
      mock
        .on(DescribeLagsCommand)
        .callsFake(describeLagsFrom([lag('dxlag-aaaa0001'), lag('dxlag-aaaa0002'), lag('dxlag-aaaa0003')]));

      const results = await Promise.all([
        loaders.lagById.load({ region: US, id: 'dxlag-aaaa0003' }),
        loaders.lagById.load({ region: US, id: 'dxlag-aaaa0001' }),
        loaders.lagById.load({ region: US, id: 'dxlag-missing1' }),
      ]);

      expect(results.map((r) => r?.lagId ?? null)).toEqual(['dxlag-aaaa0003', 'dxlag-aaaa0001', null]);
      expect(lagInputs(mock)).toEqual([
        { maxResults: 100, nextToken: undefined },
        { maxResults: 100, nextToken: 'page-2' },
      ]);
    });

    it('stops paging when AWS sends no nextToken', async () => {
      mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-aaaa0001'), lag('dxlag-aaaa0002')]));

      await loaders.lagById.loadMany([
        { region: US, id: 'dxlag-aaaa0001' },
        { region: US, id: 'dxlag-aaaa0002' },
      ]);

      expect(lagInputs(mock)).toEqual([{ maxResults: 100, nextToken: undefined }]);
    });

    it('asks once for a key loaded twice', async () => {
      mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-aaaa0001')]));

      const [a, b] = await Promise.all([
        loaders.lagById.load({ region: US, id: 'dxlag-aaaa0001' }),
        loaders.lagById.load({ region: US, id: 'dxlag-aaaa0001' }),
      ]);

      expect(a).toBe(b);
      // Deduplicated to one key, so the one-ID Describe, not a region listing.
      expect(lagInputs(mock)).toEqual([{ lagId: 'dxlag-aaaa0001' }]);
    });

    it('resolves an unknown ID to null when AWS says "Could not find Lag with ID"', async () => {
      mock.on(DescribeLagsCommand).rejects(notFound('Could not find Lag with ID dxlag-missing1'));

      await expect(loaders.lagById.load({ region: US, id: 'dxlag-missing1' })).resolves.toBeNull();
    });

    it('resolves to null when AWS answers the ID with an empty list', async () => {
      mock.on(DescribeLagsCommand).resolves({ ...META, lags: [] });

      await expect(loaders.lagById.load({ region: US, id: 'dxlag-missing1' })).resolves.toBeNull();
    });

    it('rejects a single key with a classified error when AWS throttles', async () => {
      mock.on(DescribeLagsCommand).rejects(throttled());

      const error = await loaders.lagById.load({ region: US, id: 'dxlag-aaaa0001' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AwsCallFailed);
      expect(shown(error)).toMatchObject({
        code: 'THROTTLED',
        retryable: true,
        awsRequestId: 'req-throttled',
      });
    });

    it('does not ask AWS again for a LAG a region listing already returned', async () => {
      mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-aaaa0001'), lag('dxlag-aaaa0002'), lag('dxlag-aaaa0003')]));

      const listed = await loaders.lagsInRegion.load(US);
      const calls = mock.calls().length;
      const one = await loaders.lagById.load({ region: US, id: 'dxlag-aaaa0003' });

      expect(listed).toHaveLength(3);
      expect(one).toBe(listed[2]);
      expect(mock.calls()).toHaveLength(calls);
    });

    it('shares one region listing between lagsInRegion and a several-key batch', async () => {
      mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-aaaa0001'), lag('dxlag-aaaa0002')]));

      await loaders.lagById.loadMany([
        { region: US, id: 'dxlag-aaaa0001' },
        { region: US, id: 'dxlag-aaaa0002' },
      ]);
      const listed = await loaders.lagsInRegion.load(US);

      expect(listed.map((l) => l.lagId)).toEqual(['dxlag-aaaa0001', 'dxlag-aaaa0002']);
      expect(lagInputs(mock)).toHaveLength(1);
    });
  });

  describe('lagsInRegion', () => {
    it('returns every LAG of the region across pages', async () => {
      const all = ['dxlag-aaaa0001', 'dxlag-aaaa0002', 'dxlag-aaaa0003', 'dxlag-aaaa0004', 'dxlag-aaaa0005'].map((id) => lag(id));
      mock.on(DescribeLagsCommand).callsFake(describeLagsFrom(all));

      const listed = await loaders.lagsInRegion.load(US);

      expect(listed.map((l) => l.lagId)).toEqual(all.map((l) => l.lagId));
      expect(lagInputs(mock).map((input) => input.nextToken)).toEqual([undefined, 'page-2', 'page-4']);
    });

    it('treats an empty nextToken as the last page', async () => {
      mock.on(DescribeLagsCommand).resolves({ ...META, lags: [lag('dxlag-aaaa0001')], nextToken: '' });

      await expect(loaders.lagsInRegion.load(US)).resolves.toHaveLength(1);
      expect(lagInputs(mock)).toHaveLength(1);
    });

    it('rejects with a classified error when AWS fails', async () => {
      mock.on(DescribeLagsCommand).rejects(throttled());

      const failure = await loaders.lagsInRegion.load(US).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AwsCallFailed);
      expect(shown(failure)).toMatchObject({ code: 'THROTTLED', retryable: true });
    });
  });

  describe('connectionById', () => {
    it('asks DescribeConnections for the one ID when a batch holds one key', async () => {
      mock.on(DescribeConnectionsCommand).callsFake(describeConnectionsFrom([connection('dxcon-aaaa0001')]));

      const result = await loaders.connectionById.load({ region: US, id: 'dxcon-aaaa0001' });

      expect(result?.connectionId).toBe('dxcon-aaaa0001');
      expect(connectionInputs(mock)).toEqual([{ connectionId: 'dxcon-aaaa0001' }]);
    });

    it('lists the region once, following nextToken, when a batch holds several keys', async () => {
      mock
        .on(DescribeConnectionsCommand)
        .callsFake(describeConnectionsFrom([connection('dxcon-aaaa0001'), connection('dxcon-aaaa0002'), connection('dxcon-aaaa0003')]));

      const results = await loaders.connectionById.loadMany([
        { region: US, id: 'dxcon-missing1' },
        { region: US, id: 'dxcon-aaaa0003' },
        { region: US, id: 'dxcon-aaaa0002' },
      ]);

      expect(results.map((r) => (r instanceof Error ? r : (r?.connectionId ?? null)))).toEqual([
        null,
        'dxcon-aaaa0003',
        'dxcon-aaaa0002',
      ]);
      expect(connectionInputs(mock)).toEqual([
        { maxResults: 100, nextToken: undefined },
        { maxResults: 100, nextToken: 'page-2' },
      ]);
    });

    it('resolves an unknown ID to null when AWS says "Could not find Connection with ID"', async () => {
      mock.on(DescribeConnectionsCommand).rejects(notFound('Could not find Connection with ID dxcon-missing1'));

      await expect(loaders.connectionById.load({ region: US, id: 'dxcon-missing1' })).resolves.toBeNull();
    });

    it('does not turn a LAG-not-found answer into a missing connection', async () => {
      mock.on(DescribeConnectionsCommand).rejects(notFound('Could not find Lag with ID dxlag-missing1'));

      const failure = await loaders.connectionById.load({ region: US, id: 'dxcon-aaaa0001' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AwsCallFailed);
      expect(shown(failure)).toMatchObject({ code: 'LAG_NOT_FOUND' });
    });

    it('does not ask AWS again for a connection a region listing already returned', async () => {
      mock.on(DescribeConnectionsCommand).callsFake(describeConnectionsFrom([connection('dxcon-aaaa0001'), connection('dxcon-aaaa0002')]));

      const listed = await loaders.connectionsInRegion.load(US);
      const one = await loaders.connectionById.load({ region: US, id: 'dxcon-aaaa0002' });

      expect(one).toBe(listed[1]);
      expect(connectionInputs(mock)).toHaveLength(1);
    });
  });

  describe('primeConnections', () => {
    it('makes connectionById answer without AWS', async () => {
      const primed = connection('dxcon-prim0001');
      loaders.primeConnections([primed], US);

      await expect(loaders.connectionById.load({ region: US, id: 'dxcon-prim0001' })).resolves.toBe(primed);
      expect(mock.calls()).toHaveLength(0);
    });

    it("keys a connection by its own region when AWS names one", async () => {
      const primed = connection('dxcon-prim0002', EU);
      loaders.primeConnections([primed], US);

      await expect(loaders.connectionById.load({ region: EU, id: 'dxcon-prim0002' })).resolves.toBe(primed);
      expect(mock.calls()).toHaveLength(0);
    });

    it('falls back to the given region for a connection without one', async () => {
      const primed: Connection = { connectionId: 'dxcon-prim0003' };
      loaders.primeConnections([primed], EU);

      await expect(loaders.connectionById.load({ region: EU, id: 'dxcon-prim0003' })).resolves.toBe(primed);
      expect(mock.calls()).toHaveLength(0);
    });

    it('ignores a connection without an ID', async () => {
      expect(() => loaders.primeConnections([{ connectionName: 'nameless' }], US)).not.toThrow();
    });
  });
});

describe('loaders across regions', () => {
  let usClient: DirectConnectClient;
  let euClient: DirectConnectClient;
  let usMock: AwsClientStub<DirectConnectClient>;
  let euMock: AwsClientStub<DirectConnectClient>;
  let loaders: Loaders;

  beforeEach(() => {
    usClient = new DirectConnectClient({ region: US });
    euClient = new DirectConnectClient({ region: EU });
    usMock = mockClient(usClient);
    euMock = mockClient(euClient);
    loaders = createLoaders(
      new DirectConnectService((region) => {
        if (region === US) return usClient;
        if (region === EU) return euClient;
        throw new Error(`no client for ${region}`);
      }, silent),
    );
  });

  afterEach(() => {
    usMock.restore();
    euMock.restore();
  });

  it('asks each region its own client, once per region', async () => {
    usMock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-usus0001'), lag('dxlag-usus0002')]));
    euMock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-eueu0001', EU)]));

    const results = await Promise.all([
      loaders.lagById.load({ region: US, id: 'dxlag-usus0001' }),
      loaders.lagById.load({ region: EU, id: 'dxlag-eueu0001' }),
      loaders.lagById.load({ region: US, id: 'dxlag-usus0002' }),
    ]);

    expect(results.map((r) => r?.lagId)).toEqual(['dxlag-usus0001', 'dxlag-eueu0001', 'dxlag-usus0002']);
    expect(lagInputs(usMock)).toEqual([{ maxResults: 100, nextToken: undefined }]);
    expect(lagInputs(euMock)).toEqual([{ lagId: 'dxlag-eueu0001' }]);
  });

  it('does not find an ID of one region in another', async () => {
    usMock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-usus0001')]));
    euMock.on(DescribeLagsCommand).callsFake(describeLagsFrom([]));

    await expect(loaders.lagById.load({ region: EU, id: 'dxlag-usus0001' })).resolves.toBeNull();
    expect(usMock.calls()).toHaveLength(0);
  });

  it("rejects every key of a throttled region while another region's keys resolve", async () => {
    usMock.on(DescribeLagsCommand).rejects(throttled());
    euMock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-eueu0001', EU), lag('dxlag-eueu0002', EU)]));

    const results = await loaders.lagById.loadMany([
      { region: US, id: 'dxlag-usus0001' },
      { region: EU, id: 'dxlag-eueu0001' },
      { region: US, id: 'dxlag-usus0002' },
      { region: EU, id: 'dxlag-eueu0002' },
    ]);

    for (const failed of [results[0], results[2]]) {
      expect(failed).toBeInstanceOf(AwsCallFailed);
      expect(shown(failed)).toMatchObject({ code: 'THROTTLED', retryable: true });
    }
    expect((results[1] as Lag).lagId).toBe('dxlag-eueu0001');
    expect((results[3] as Lag).lagId).toBe('dxlag-eueu0002');
  });

  it('rejects a throttled single key while the other region resolves', async () => {
    usMock.on(DescribeConnectionsCommand).rejects(throttled());
    euMock.on(DescribeConnectionsCommand).callsFake(describeConnectionsFrom([connection('dxcon-eueu0001', EU)]));

    const [us, eu] = await loaders.connectionById.loadMany([
      { region: US, id: 'dxcon-usus0001' },
      { region: EU, id: 'dxcon-eueu0001' },
    ]);

    expect(us).toBeInstanceOf(AwsCallFailed);
    expect(shown(us).code).toBe('THROTTLED');
    expect((eu as Connection).connectionId).toBe('dxcon-eueu0001');
    expect(connectionInputs(usMock)).toEqual([{ connectionId: 'dxcon-usus0001' }]);
  });

  it('primes by-ID loaders per region from region listings', async () => {
    usMock.on(DescribeConnectionsCommand).callsFake(describeConnectionsFrom([connection('dxcon-usus0001')]));
    euMock.on(DescribeConnectionsCommand).callsFake(describeConnectionsFrom([connection('dxcon-eueu0001', EU)]));

    await Promise.all([loaders.connectionsInRegion.load(US), loaders.connectionsInRegion.load(EU)]);
    const before = usMock.calls().length + euMock.calls().length;
    const [us, eu] = await Promise.all([
      loaders.connectionById.load({ region: US, id: 'dxcon-usus0001' }),
      loaders.connectionById.load({ region: EU, id: 'dxcon-eueu0001' }),
    ]);

    expect(us?.connectionId).toBe('dxcon-usus0001');
    expect(eu?.connectionId).toBe('dxcon-eueu0001');
    expect(usMock.calls().length + euMock.calls().length).toBe(before);
  });
});

describe('what a request makes only when it needs it', () => {
  let client: DirectConnectClient;
  let mock: AwsClientStub<DirectConnectClient>;

  beforeEach(() => {
    client = new DirectConnectClient({ region: US });
    mock = mockClient(client);
  });

  afterEach(() => mock.restore());

  /** Loaders whose request counts how often its abort signal is asked for. */
  function requestLoaders(service: DirectConnectService) {
    const asked = { abortSignal: 0 };
    const controller = new AbortController();
    const loaders = createLoaders(service, {
      reader: {
        get abortSignal() {
          asked.abortSignal += 1;
          return controller.signal;
        },
      },
    });
    return { loaders, asked };
  }

  it("asks for the request's abort signal only when a read must wait for AWS, never on a cache hit", async () => {
    mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-usus0001')]));
    const service = new DirectConnectService(() => client, silent, { cache: new MemoryReadCache(60_000, 1_000_000, createMetrics()) });

    const first = requestLoaders(service);
    expect((await first.loaders.lagsInRegion.load(US)).map((l) => l.lagId)).toEqual(['dxlag-usus0001']);
    expect(first.asked.abortSignal).toBeGreaterThan(0);

    const second = requestLoaders(service);
    expect((await second.loaders.lagsInRegion.load(US)).map((l) => l.lagId)).toEqual(['dxlag-usus0001']);
    expect(second.asked.abortSignal).toBe(0);
    expect(mock.commandCalls(DescribeLagsCommand)).toHaveLength(1);
  });

  it('hands every read the reader itself, so a signal behind a getter on its class reaches the wait (hosted connections, VIFs on one parent)', async () => {
    /** As the HTTP layer makes it: the getter on the prototype, which a copy of the object would lose. */
    class CountingReader {
      asked = 0;
      private readonly controller = new AbortController();
      get abortSignal(): AbortSignal {
        this.asked += 1;
        return this.controller.signal;
      }
    }
    mock.on(DescribeHostedConnectionsCommand).resolves({ connections: [] });
    mock.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [] });
    const service = new DirectConnectService(() => client, silent, { cache: new MemoryReadCache(60_000, 1_000_000, createMetrics()) });
    const reader = new CountingReader();
    const loaders = createLoaders(service, { reader });
    expect(await loaders.hostedConnectionsOn.load({ region: US, id: 'dxlag-usus0001' })).toEqual([]);
    expect(reader.asked).toBeGreaterThan(0);
    const before = reader.asked;
    expect(await service.describeVirtualInterfacesOn(US, 'dxlag-usus0001', reader)).toEqual([]);
    expect(reader.asked).toBeGreaterThan(before);
  });

  it('forgets nothing it never read, and still reads afresh afterwards', async () => {
    mock.on(DescribeLagsCommand).callsFake(describeLagsFrom([lag('dxlag-usus0001')]));
    const { loaders } = requestLoaders(new DirectConnectService(() => client, silent));
    loaders.forget(US, { lagId: 'dxlag-usus0001', connectionId: 'dxcon-usus0001' });
    expect((await loaders.lagById.load({ region: US, id: 'dxlag-usus0001' }))?.lagId).toBe('dxlag-usus0001');
    loaders.forget(US, { lagId: 'dxlag-usus0001' });
    await loaders.lagById.load({ region: US, id: 'dxlag-usus0001' });
    expect(mock.commandCalls(DescribeLagsCommand)).toHaveLength(2);
  });
});
