import {
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  DisassociateConnectionFromLagCommand,
  type Connection,
  type DirectConnectClient,
  type Lag,
} from '@aws-sdk/client-direct-connect';
import type { Logger } from 'pino';
import { NO_CACHE, type ReadCache, type ReadKey } from '../cache/readCache.js';
import type { Metrics } from '../metrics.js';
import { AwsCallFailed, classifyAwsError } from './classifyAwsError.js';
import type { ClientForRegion } from './clients.js';
import { collectPages, PAGE_SIZE, type Page } from './paging.js';

// The typed face of the Direct Connect API for the rest of the gateway. Every AWS
// call goes through `call` here, so paging (paging.ts), "not found means null", checking what
// AWS answered, the cross-request cache, metrics and logging failures each live in
// one place.

/** Reads stop waiting when the GraphQL request's client has gone away. */
export interface ReadOptions {
  abortSignal?: AbortSignal;
}

/** Describe calls with an ID throw "Could not find …" for an unknown one; we return null. */
async function nullIfNotFound<T>(call: Promise<T>, notFound: 'CONNECTION_NOT_FOUND' | 'LAG_NOT_FOUND'): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (classifyAwsError(error).code === notFound) return null;
    throw error;
  }
}

export class DirectConnectService {
  private readonly cache: ReadCache;
  private readonly metrics?: Metrics;

  constructor(
    private readonly clientFor: ClientForRegion,
    private readonly logger: Logger,
    options: { cache?: ReadCache; metrics?: Metrics } = {},
  ) {
    this.cache = options.cache ?? NO_CACHE;
    this.metrics = options.metrics;
  }

  private async call<Output>(
    region: string,
    operation: string,
    send: (client: DirectConnectClient) => Promise<Output>,
  ): Promise<Output> {
    const stopTimer = this.metrics?.awsLatency.startTimer({ operation, region });
    try {
      const output = await send(this.clientFor(region));
      this.metrics?.awsCalls.inc({ operation, region, outcome: 'success' });
      return output;
    } catch (error) {
      const { code, awsRequestId, awsErrorName } = classifyAwsError(error);
      this.metrics?.awsCalls.inc({ operation, region, outcome: code });
      // The full AWS message is for operators; what callers see is classified.
      this.logger.warn(
        { operation, region, code, awsErrorName, awsRequestId, awsMessage: (error as Error | undefined)?.message },
        'AWS Direct Connect call failed',
      );
      throw error;
    } finally {
      stopTimer?.();
    }
  }

  /** Items AWS listed without an ID cannot be shown or linked; they are dropped and logged. */
  private withIds<T>(items: T[] | undefined, id: (item: T) => string | undefined, kind: string): T[] {
    const usable = (items ?? []).filter((item) => typeof id(item) === 'string');
    if (usable.length !== (items ?? []).length) {
      this.logger.warn({ kind, dropped: (items ?? []).length - usable.length }, 'AWS listed items without an ID; dropped');
    }
    return usable;
  }

  /** A region's whole listing, every page, through the cross-request cache. */
  private listAll<T>(
    region: string,
    operation: ReadKey['operation'],
    options: ReadOptions,
    fetchPage: (client: DirectConnectClient, nextToken: string | undefined, abortSignal?: AbortSignal) => Promise<Page<T>>,
  ): Promise<T[]> {
    return this.cache.read(
      { region, operation },
      (abortSignal) => collectPages((nextToken) => this.call(region, operation, (client) => fetchPage(client, nextToken, abortSignal))),
      options.abortSignal,
    );
  }

  /** One item by ID, through the cross-request cache; null when AWS says it does not exist. */
  private describeOne<T>(
    region: string,
    operation: ReadKey['operation'],
    id: string,
    options: ReadOptions,
    notFound: 'CONNECTION_NOT_FOUND' | 'LAG_NOT_FOUND',
    fetch: (client: DirectConnectClient, abortSignal?: AbortSignal) => Promise<T[] | undefined>,
    idOf: (item: T) => string | undefined,
  ): Promise<T | null> {
    return this.cache.read(
      { region, operation, id },
      async (abortSignal) => {
        const items = await nullIfNotFound(this.call(region, operation, (client) => fetch(client, abortSignal)), notFound);
        return items?.find((item) => idOf(item) === id) ?? null;
      },
      options.abortSignal,
    );
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
      'CONNECTION_NOT_FOUND',
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
      'LAG_NOT_FOUND',
      async (client, abortSignal) => (await client.send(new DescribeLagsCommand({ lagId }), { abortSignal })).lags,
      (l) => l.lagId,
    );
  }

  /**
   * Cuts the live link: AWS interrupts the connection and re-establishes it
   * standalone. Deliberately not abortable: once sent, the change happens, and
   * the gateway waits for AWS's answer so that the attempt is audited truly.
   * Whatever AWS answered, the region's cached reads are forgotten before this
   * returns: even a failed call may have changed something.
   */
  async disassociateConnectionFromLag(
    region: string,
    connectionId: string,
    lagId: string,
  ): Promise<{ connection: Connection; awsRequestId?: string }> {
    const { $metadata, ...connection } = await this.call(region, 'DisassociateConnectionFromLag', (c) =>
      c.send(new DisassociateConnectionFromLagCommand({ connectionId, lagId })),
    ).finally(() => this.cache.invalidateRegion(region));
    if (connection.connectionId !== connectionId) {
      // AWS accepted the call, so the link may well be cut: say so, with the request ID.
      throw new AwsCallFailed({
        code: 'AWS_UNAVAILABLE',
        message:
          `AWS accepted the disassociation of ${connectionId} (request ID ${$metadata.requestId ?? 'unknown'}) but its answer ` +
          `did not describe the connection. Check the connection's state before trying again.`,
        awsRequestId: $metadata.requestId,
      });
    }
    return { connection, awsRequestId: $metadata.requestId };
  }
}
