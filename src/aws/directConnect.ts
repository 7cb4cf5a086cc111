import { withinCallWindow } from './callWindow.js';
import {
  DescribeConnectionsCommand,
  DescribeDirectConnectGatewayAssociationsCommand,
  DescribeDirectConnectGatewayAttachmentsCommand,
  DescribeDirectConnectGatewaysCommand,
  DescribeHostedConnectionsCommand,
  DescribeInterconnectsCommand,
  DescribeLagsCommand,
  DescribeVirtualInterfacesCommand,
  DisassociateConnectionFromLagCommand,
  AssociateConnectionWithLagCommand,
  UpdateLagCommand,
  ListVirtualInterfaceTestHistoryCommand,
  StartBgpFailoverTestCommand,
  StopBgpFailoverTestCommand,
  type Connection,
  type DirectConnectClient,
  type DirectConnectGateway,
  type DirectConnectGatewayAssociation,
  type DirectConnectGatewayAttachment,
  type Interconnect,
  type Lag,
  type VirtualInterface,
  type VirtualInterfaceTestHistory,
} from '@aws-sdk/client-direct-connect';
import type { Logger } from 'pino';
import { neverFresh, NO_CACHE, type ReadCache, type ReadKey, type Reader } from '../cache/readCache.js';
import type { Metrics } from '../metrics.js';
import { awsCall } from './call.js';
import { AwsCallFailed, classifyAwsError } from './classifyAwsError.js';
import type { ClientForRegion } from './clients.js';
import { collectPages, PAGE_SIZE, type Page } from './paging.js';

// The typed face of the Direct Connect API for the rest of the gateway. Every AWS
// call goes through `call` here (awsCall, call.ts), so paging (paging.ts), "not found means null", checking what
// AWS answered, the cross-request cache, metrics and logging failures each live in
// one place.

/** Reads stop waiting when the GraphQL request's client has gone away. */
export interface ReadOptions extends Reader {
  /**
   * Ask AWS itself, past the cross-request cache, and leave the cache as it was:
   * what a plan's re-check needs (docs/contract.md, "Plans").
   */
  fresh?: boolean;
  /**
   * Ask AWS itself and store the answer in the cross-request cache for every later
   * read: what the subscriptions' watcher polls with (src/live/watcher.ts).
   */
  refresh?: boolean;
}

/**
 * How AWS says an ID does not exist. The connection and LAG wordings are AWS's
 * (docs/aws-behaviour.md, "Error messages"); for interconnects AWS's text is not
 * recorded, so the same "Could not find <Kind>" form is assumed.
 */
const NOT_FOUND = {
  connection: (error: unknown) => classifyAwsError(error).code === 'CONNECTION_NOT_FOUND',
  lag: (error: unknown) => classifyAwsError(error).code === 'LAG_NOT_FOUND',
  interconnect: (error: unknown) => /Could not find Interconnect/i.test((error as Error | undefined)?.message ?? ''),
  virtualInterface: (error: unknown) => classifyAwsError(error).code === 'VIRTUAL_INTERFACE_NOT_FOUND',
};

/** What ListVirtualInterfaceTestHistory can be narrowed to; nothing: every test of the region. */
export interface TestHistoryFilter {
  virtualInterfaceId?: string;
  testId?: string;
  status?: string;
}

/** Describe calls with an ID throw "Could not find …" for an unknown one; we return null. */
async function nullIfNotFound<T>(call: Promise<T>, isNotFound: (error: unknown) => boolean): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * A VIF without its BGP MD5 keys and the router configuration that embeds them
 * (docs/aws-behaviour.md, "Virtual interfaces and secrets"). Dropped as AWS's answer
 * arrives, so no cache entry, log line, response or audit record can carry them.
 */
export function withoutSecrets(vif: VirtualInterface): VirtualInterface {
  const { authKey: _authKey, customerRouterConfig: _config, bgpPeers, ...rest } = vif;
  return { ...rest, bgpPeers: bgpPeers?.map(({ authKey: _peerKey, ...peer }) => peer) };
}

export class DirectConnectService {
  private readonly cache: ReadCache;
  /** Told of every mutating call once it has returned (or failed): subscriptions then look again at once. */
  private readonly onChange?: (region: string) => void;
  private readonly metrics?: Metrics;
  /** No attempt of a mutating call begins later than this after it starts (callWindow.ts); unset, the SDK's own limits alone. */
  private readonly callWindowMs?: number;

  constructor(
    private readonly clientFor: ClientForRegion,
    private readonly logger: Logger,
    options: { cache?: ReadCache; metrics?: Metrics; onChange?: (region: string) => void; callWindowMs?: number } = {},
  ) {
    this.cache = options.cache ?? NO_CACHE;
    this.callWindowMs = options.callWindowMs;
    this.metrics = options.metrics;
    this.onChange = options.onChange;
  }

  private call<Output>(region: string, operation: string, send: (client: DirectConnectClient) => Promise<Output>): Promise<Output> {
    return awsCall({ logger: this.logger, metrics: this.metrics }, 'DirectConnect', region, operation, () => send(this.clientFor(region)));
  }

  /** Items AWS listed without an ID cannot be shown or linked; they are dropped and logged. */
  private withIds<T>(items: T[] | undefined, id: (item: T) => string | undefined, kind: string): T[] {
    const usable = (items ?? []).filter((item) => typeof id(item) === 'string');
    if (usable.length !== (items ?? []).length) {
      this.logger.warn({ kind, dropped: (items ?? []).length - usable.length }, 'AWS listed items without an ID; dropped');
    }
    return usable;
  }

  /** Through the cross-request cache, or straight to AWS when the caller needs it fresh. */
  private read<T>(key: ReadKey, options: ReadOptions, fetch: (abortSignal?: AbortSignal) => Promise<T>): Promise<T> {
    if (options.refresh) return this.cache.refresh(key, fetch);
    if (!options.fresh) return this.cache.read(key, fetch, options);
    // Read past the cache: nothing built on it may be served again from a response cache.
    options.observe?.(neverFresh(key.region));
    return fetch(options.abortSignal);
  }

  /**
   * A listing, every page: the region's (no id) or what rides on one resource (`id`, in
   * `fetchPage`). `options` is passed on as it is, never copied: a request's reader
   * keeps its abort signal behind a getter on its class, which a copy would lose.
   */
  private listAll<T>(
    region: string,
    operation: ReadKey['operation'],
    options: ReadOptions,
    fetchPage: (client: DirectConnectClient, nextToken: string | undefined, abortSignal?: AbortSignal) => Promise<Page<T>>,
    id?: string,
  ): Promise<T[]> {
    return this.read({ region, operation, id }, options, (abortSignal) =>
      collectPages((nextToken) => this.call(region, operation, (client) => fetchPage(client, nextToken, abortSignal))),
    );
  }

  /** One item by ID; null when AWS says it does not exist. */
  private describeOne<T>(
    region: string,
    operation: ReadKey['operation'],
    id: string,
    options: ReadOptions,
    isNotFound: (error: unknown) => boolean,
    fetch: (client: DirectConnectClient, abortSignal?: AbortSignal) => Promise<T[] | undefined>,
    idOf: (item: T) => string | undefined,
  ): Promise<T | null> {
    return this.read({ region, operation, id }, options, async (abortSignal) => {
      const items = await nullIfNotFound(this.call(region, operation, (client) => fetch(client, abortSignal)), isNotFound);
      return items?.find((item) => idOf(item) === id) ?? null;
    });
  }

  describeConnections(region: string, options: ReadOptions = {}): Promise<Connection[]> {
    return this.listAll(region, 'DescribeConnections', options, async (client, nextToken, abortSignal) => {
      const out = await client.send(new DescribeConnectionsCommand({ maxResults: PAGE_SIZE, nextToken }), { abortSignal });
      return { items: this.withIds(out.connections, (c) => c.connectionId, 'connection'), nextToken: out.nextToken };
    });
  }

  describeConnection(region: string, connectionId: string, options: ReadOptions = {}): Promise<Connection | null> {
    return this.describeOne(
      region,
      'DescribeConnections',
      connectionId,
      options,
      NOT_FOUND.connection,
      async (client, abortSignal) => (await client.send(new DescribeConnectionsCommand({ connectionId }), { abortSignal })).connections,
      (c) => c.connectionId,
    );
  }

  describeLags(region: string, options: ReadOptions = {}): Promise<Lag[]> {
    return this.listAll(region, 'DescribeLags', options, async (client, nextToken, abortSignal) => {
      const out = await client.send(new DescribeLagsCommand({ maxResults: PAGE_SIZE, nextToken }), { abortSignal });
      return { items: this.withIds(out.lags, (l) => l.lagId, 'lag'), nextToken: out.nextToken };
    });
  }

  describeLag(region: string, lagId: string, options: ReadOptions = {}): Promise<Lag | null> {
    return this.describeOne(
      region,
      'DescribeLags',
      lagId,
      options,
      NOT_FOUND.lag,
      async (client, abortSignal) => (await client.send(new DescribeLagsCommand({ lagId }), { abortSignal })).lags,
      (l) => l.lagId,
    );
  }

  /** Every virtual interface of the region; each names what it rides on in `connectionId`. */
  describeVirtualInterfaces(region: string, options: ReadOptions = {}): Promise<VirtualInterface[]> {
    return this.listAll(region, 'DescribeVirtualInterfaces', options, (client, nextToken, abortSignal) =>
      this.virtualInterfacePage(client, { nextToken }, abortSignal),
    );
  }

  /**
   * The virtual interfaces riding on one connection or LAG (AWS takes either ID as
   * `connectionId`); null when that connection or LAG does not exist.
   */
  describeVirtualInterfacesOn(region: string, connectionOrLagId: string, options: ReadOptions = {}): Promise<VirtualInterface[] | null> {
    const isLag = connectionOrLagId.startsWith('dxlag-');
    return nullIfNotFound(
      this.listAll(
        region,
        'DescribeVirtualInterfaces',
        options,
        (client, nextToken, abortSignal) => this.virtualInterfacePage(client, { connectionId: connectionOrLagId, nextToken }, abortSignal),
        connectionOrLagId,
      ),
      isLag ? NOT_FOUND.lag : NOT_FOUND.connection,
    );
  }

  /** One virtual interface; null when AWS says it does not exist. */
  describeVirtualInterface(region: string, virtualInterfaceId: string, options: ReadOptions = {}): Promise<VirtualInterface | null> {
    return this.describeOne(
      region,
      'DescribeVirtualInterfaces',
      virtualInterfaceId,
      options,
      NOT_FOUND.virtualInterface,
      async (client, abortSignal) =>
        (await client.send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId }), { abortSignal })).virtualInterfaces?.map(withoutSecrets),
      (v) => v.virtualInterfaceId,
    );
  }

  /**
   * The BGP failover tests AWS remembers (a year of them), every page, newest first:
   * the region's, or those `filter` names. AWS does not document its order, so the
   * gateway sorts by start time.
   */
  listVirtualInterfaceTests(region: string, filter: TestHistoryFilter = {}, options: ReadOptions = {}): Promise<VirtualInterfaceTestHistory[]> {
    const { virtualInterfaceId, testId, status } = filter;
    const id = virtualInterfaceId || testId || status ? `vif=${virtualInterfaceId ?? ''} test=${testId ?? ''} status=${status ?? ''}` : undefined;
    return this.read({ region, operation: 'ListVirtualInterfaceTestHistory', id }, options, async (abortSignal) => {
      const tests = await collectPages(async (nextToken) => {
        const out = await this.call(region, 'ListVirtualInterfaceTestHistory', (client) =>
          client.send(new ListVirtualInterfaceTestHistoryCommand({ virtualInterfaceId, testId, status, maxResults: PAGE_SIZE, nextToken }), { abortSignal }),
        );
        return { items: this.withIds(out.virtualInterfaceTestHistory, (t) => t.testId, 'virtual interface test'), nextToken: out.nextToken };
      });
      return tests.sort(newestFirst);
    });
  }

  private async virtualInterfacePage(
    client: DirectConnectClient,
    request: { connectionId?: string; nextToken?: string },
    abortSignal?: AbortSignal,
  ): Promise<Page<VirtualInterface>> {
    const out = await client.send(new DescribeVirtualInterfacesCommand({ ...request, maxResults: PAGE_SIZE }), { abortSignal });
    const items = this.withIds(out.virtualInterfaces, (v) => v.virtualInterfaceId, 'virtual interface');
    return { items: items.map(withoutSecrets), nextToken: out.nextToken };
  }

  describeInterconnects(region: string, options: ReadOptions = {}): Promise<Interconnect[]> {
    return this.listAll(region, 'DescribeInterconnects', options, async (client, nextToken, abortSignal) => {
      const out = await client.send(new DescribeInterconnectsCommand({ maxResults: PAGE_SIZE, nextToken }), { abortSignal });
      return { items: this.withIds(out.interconnects, (i) => i.interconnectId, 'interconnect'), nextToken: out.nextToken };
    });
  }

  describeInterconnect(region: string, interconnectId: string, options: ReadOptions = {}): Promise<Interconnect | null> {
    return this.describeOne(
      region,
      'DescribeInterconnects',
      interconnectId,
      options,
      NOT_FOUND.interconnect,
      async (client, abortSignal) => (await client.send(new DescribeInterconnectsCommand({ interconnectId }), { abortSignal })).interconnects,
      (i) => i.interconnectId,
    );
  }

  /**
   * The hosted connections riding on a LAG or interconnect. AWS has no region-wide
   * listing of them, so this is one run per parent; null when the parent does not exist.
   */
  describeHostedConnections(region: string, parentId: string, options: ReadOptions = {}): Promise<Connection[] | null> {
    const isLag = parentId.startsWith('dxlag-');
    return nullIfNotFound(
      this.listAll(
        region,
        'DescribeHostedConnections',
        options,
        async (client, nextToken, abortSignal) => {
          const out = await client.send(
            new DescribeHostedConnectionsCommand({ connectionId: parentId, maxResults: PAGE_SIZE, nextToken }),
            { abortSignal },
          );
          return { items: this.withIds(out.connections, (c) => c.connectionId, 'hosted connection'), nextToken: out.nextToken };
        },
        parentId,
      ),
      isLag ? NOT_FOUND.lag : NOT_FOUND.connection,
    );
  }

  /**
   * Every Direct Connect gateway of the account. DX gateways are global: any region's
   * endpoint lists them all, so the gateway asks its default region's.
   */
  describeDirectConnectGateways(region: string, options: ReadOptions = {}): Promise<DirectConnectGateway[]> {
    return this.listAll(region, 'DescribeDirectConnectGateways', options, async (client, nextToken, abortSignal) => {
      const out = await client.send(new DescribeDirectConnectGatewaysCommand({ maxResults: PAGE_SIZE, nextToken }), { abortSignal });
      return { items: this.withIds(out.directConnectGateways, (g) => g.directConnectGatewayId, 'Direct Connect gateway'), nextToken: out.nextToken };
    });
  }

  /** The virtual private and transit gateways associated with one DX gateway: AWS lists them per DX gateway only. */
  describeDirectConnectGatewayAssociations(region: string, directConnectGatewayId: string, options: ReadOptions = {}): Promise<DirectConnectGatewayAssociation[]> {
    return this.listAll(
      region,
      'DescribeDirectConnectGatewayAssociations',
      options,
      async (client, nextToken, abortSignal) => {
        const out = await client.send(new DescribeDirectConnectGatewayAssociationsCommand(perGateway(directConnectGatewayId, nextToken)), { abortSignal });
        return { items: out.directConnectGatewayAssociations, nextToken: out.nextToken };
      },
      directConnectGatewayId,
    );
  }

  /** The virtual interfaces attached to one DX gateway: AWS lists them per DX gateway (or per VIF) only. */
  describeDirectConnectGatewayAttachments(region: string, directConnectGatewayId: string, options: ReadOptions = {}): Promise<DirectConnectGatewayAttachment[]> {
    return this.listAll(
      region,
      'DescribeDirectConnectGatewayAttachments',
      options,
      async (client, nextToken, abortSignal) => {
        const out = await client.send(new DescribeDirectConnectGatewayAttachmentsCommand(perGateway(directConnectGatewayId, nextToken)), { abortSignal });
        return { items: out.directConnectGatewayAttachments, nextToken: out.nextToken };
      },
      directConnectGatewayId,
    );
  }

  /** Forgets every cached read of the region, on every replica sharing the cache: what the gateway read there is stale. */
  forgetRegion(region: string): Promise<void> {
    return this.cache.invalidateRegion(region);
  }

  /**
   * One mutating call. Deliberately not abortable: once sent, the change happens,
   * and the gateway waits for AWS's answer so that the attempt is audited truly; but
   * no retry begins after the call's window, which the change record's deadline
   * counts on.
   * Whatever AWS answered, the region's cached reads are forgotten before this
   * returns: even a failed call may have changed something. An answer that does not
   * describe what was changed is an error that says the change may have happened.
   */
  private async change<Output extends { $metadata: { requestId?: string } }, T>(
    region: string,
    operation: string,
    send: (client: DirectConnectClient) => Promise<Output>,
    what: { description: string; id: string; idOf: (output: Output) => string | undefined; result: (output: Output) => T },
  ): Promise<{ result: T; awsRequestId?: string }> {
    const sent = () => this.call(region, operation, send);
    const output = await (this.callWindowMs === undefined ? sent() : withinCallWindow(this.callWindowMs, sent)).finally(async () => {
      await this.cache.invalidateRegion(region);
      this.onChange?.(region);
    });
    const awsRequestId = output.$metadata.requestId;
    if (what.idOf(output) !== what.id) {
      throw new AwsCallFailed({
        code: 'AWS_UNAVAILABLE',
        message:
          `AWS accepted ${what.description} (request ID ${awsRequestId ?? 'unknown'}) but its answer did not describe ` +
          `${what.id}. Check its state before trying again.`,
        awsRequestId,
      });
    }
    return { result: what.result(output), awsRequestId };
  }

  /** Cuts the live link: AWS interrupts the connection and re-establishes it standalone. */
  async disassociateConnectionFromLag(region: string, connectionId: string, lagId: string): Promise<{ connection: Connection; awsRequestId?: string }> {
    const { result, awsRequestId } = await this.change(
      region,
      'DisassociateConnectionFromLag',
      (c) => c.send(new DisassociateConnectionFromLagCommand({ connectionId, lagId })),
      { description: `the disassociation of ${connectionId}`, id: connectionId, idOf: (o) => o.connectionId, result: withoutMetadata },
    );
    return { connection: result, awsRequestId };
  }

  /** Interrupts the connection and re-establishes it as a member of the LAG. */
  async associateConnectionWithLag(region: string, connectionId: string, lagId: string): Promise<{ connection: Connection; awsRequestId?: string }> {
    const { result, awsRequestId } = await this.change(
      region,
      'AssociateConnectionWithLag',
      (c) => c.send(new AssociateConnectionWithLagCommand({ connectionId, lagId })),
      { description: `the association of ${connectionId} with ${lagId}`, id: connectionId, idOf: (o) => o.connectionId, result: withoutMetadata },
    );
    return { connection: result, awsRequestId };
  }

  /** Sets the LAG's minimumLinks (AWS UpdateLag with that field alone). */
  async updateLagMinimumLinks(region: string, lagId: string, minimumLinks: number): Promise<{ lag: Lag; awsRequestId?: string }> {
    const { result, awsRequestId } = await this.change(
      region,
      'UpdateLag',
      (c) => c.send(new UpdateLagCommand({ lagId, minimumLinks })),
      { description: `the update of ${lagId}`, id: lagId, idOf: (o) => o.lagId, result: withoutMetadata },
    );
    return { lag: result, awsRequestId };
  }

  /**
   * Brings the VIF's BGP sessions (`bgpPeerIds`, or all of them) down for
   * `testDurationInMinutes`: AWS's failover test. The sessions come back up when it
   * ends or is stopped.
   */
  async startBgpFailoverTest(
    region: string,
    virtualInterfaceId: string,
    bgpPeerIds: readonly string[] | undefined,
    testDurationInMinutes: number,
  ): Promise<{ test: VirtualInterfaceTestHistory; awsRequestId?: string }> {
    const { result, awsRequestId } = await this.change(
      region,
      'StartBgpFailoverTest',
      (c) => c.send(new StartBgpFailoverTestCommand({ virtualInterfaceId, bgpPeers: bgpPeerIds ? [...bgpPeerIds] : undefined, testDurationInMinutes })),
      testAnswer(`the failover test of ${virtualInterfaceId}`, virtualInterfaceId),
    );
    return { test: result, awsRequestId };
  }

  /** Ends the VIF's running failover test: its BGP sessions come back up. */
  async stopBgpFailoverTest(region: string, virtualInterfaceId: string): Promise<{ test: VirtualInterfaceTestHistory; awsRequestId?: string }> {
    const { result, awsRequestId } = await this.change(
      region,
      'StopBgpFailoverTest',
      (c) => c.send(new StopBgpFailoverTestCommand({ virtualInterfaceId })),
      testAnswer(`the end of the failover test of ${virtualInterfaceId}`, virtualInterfaceId),
    );
    return { test: result, awsRequestId };
  }
}

/** Both test calls answer the test: it must name the VIF asked for. */
type TestOutput = { $metadata: { requestId?: string }; virtualInterfaceTest?: VirtualInterfaceTestHistory };
const testAnswer = (description: string, id: string) => ({
  description,
  id,
  idOf: (o: TestOutput) => o.virtualInterfaceTest?.virtualInterfaceId,
  // idOf checked it is there: an answer without the test is refused before this.
  result: (o: TestOutput) => o.virtualInterfaceTest!,
});

/** By start time, newest first; ties (and tests without one) by ID, so the order is stable. */
function newestFirst(a: VirtualInterfaceTestHistory, b: VirtualInterfaceTestHistory): number {
  const byTime = (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0);
  return byTime !== 0 ? byTime : (a.testId ?? '') < (b.testId ?? '') ? -1 : 1;
}

/** A page of a DX gateway's associations or attachments. */
const perGateway = (directConnectGatewayId: string, nextToken: string | undefined) => ({ directConnectGatewayId, maxResults: PAGE_SIZE, nextToken });

function withoutMetadata<T extends { $metadata: unknown }>({ $metadata: _metadata, ...rest }: T): Omit<T, '$metadata'> {
  return rest;
}
