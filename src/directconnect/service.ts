import {
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  DisassociateConnectionFromLagCommand,
  type Connection,
  type DirectConnectClient,
  type Lag,
} from '@aws-sdk/client-direct-connect';
import type { Logger } from 'pino';
import { NO_CACHE, type ReadCache } from '../cache/readCache.js';
import type { Metrics } from '../metrics.js';
import { AwsCallFailed, classifyAwsError } from './classifyAwsError.js';
import type { ClientForRegion } from './clients.js';
import { collectPages, PAGE_SIZE } from './paging.js';

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

  describeConnections(region: string, options: ReadOptions = {}): Promise<Connection[]> {
    return this.cache.read({ region, operation: 'DescribeConnections' }, (abortSignal) =>
      collectPages(async (nextToken) => {
        const out = await this.call(region, 'DescribeConnections', (c) =>
          c.send(new DescribeConnectionsCommand({ maxResults: PAGE_SIZE, nextToken }), { abortSignal }),
        );
        return { items: this.withIds(out.connections, (c) => c.connectionId, 'connection'), nextToken: out.nextToken };
      }),
      options.abortSignal,
    );
  }

  describeConnection(region: string, connectionId: string, options: ReadOptions = {}): Promise<Connection | null> {
    return this.cache.read({ region, operation: 'DescribeConnections', id: connectionId }, async (abortSignal) => {
      const out = await nullIfNotFound(
        this.call(region, 'DescribeConnections', (c) => c.send(new DescribeConnectionsCommand({ connectionId }), { abortSignal })),
        'CONNECTION_NOT_FOUND',
      );
      return out?.connections?.find((c) => c.connectionId === connectionId) ?? null;
    }, options.abortSignal);
  }

  describeLags(region: string, options: ReadOptions = {}): Promise<Lag[]> {
    return this.cache.read({ region, operation: 'DescribeLags' }, (abortSignal) =>
      collectPages(async (nextToken) => {
        const out = await this.call(region, 'DescribeLags', (c) =>
          c.send(new DescribeLagsCommand({ maxResults: PAGE_SIZE, nextToken }), { abortSignal }),
        );
        return { items: this.withIds(out.lags, (l) => l.lagId, 'lag'), nextToken: out.nextToken };
      }),
      options.abortSignal,
    );
  }

  describeLag(region: string, lagId: string, options: ReadOptions = {}): Promise<Lag | null> {
    return this.cache.read({ region, operation: 'DescribeLags', id: lagId }, async (abortSignal) => {
      const out = await nullIfNotFound(
        this.call(region, 'DescribeLags', (c) => c.send(new DescribeLagsCommand({ lagId }), { abortSignal })),
        'LAG_NOT_FOUND',
      );
      return out?.lags?.find((l) => l.lagId === lagId) ?? null;
    }, options.abortSignal);
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
