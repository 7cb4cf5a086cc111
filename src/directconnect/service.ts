import {
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  DisassociateConnectionFromLagCommand,
  type Connection,
  type Lag,
} from '@aws-sdk/client-direct-connect';
import { classifyAwsError } from './errors.js';
import type { ClientForRegion } from './clients.js';

// The typed face of the Direct Connect API for the rest of the gateway. Every AWS
// call goes through here, so paging and "not found means null" live in one place.

/** AWS caps a Describe page at 100 items. */
const PAGE_SIZE = 100;

interface Page<T> {
  items: T[] | undefined;
  nextToken: string | undefined;
}

async function collectPages<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    all.push(...(page.items ?? []));
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  return all;
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

function withoutMetadata<T extends object>(output: T & { $metadata?: unknown }): T {
  const { $metadata: _ignored, ...rest } = output;
  return rest as T;
}

/** Reads stop waiting when the GraphQL request's client has gone away. */
export interface ReadOptions {
  abortSignal?: AbortSignal;
}

export class DirectConnectService {
  constructor(private readonly clientFor: ClientForRegion) {}

  describeConnections(region: string, options: ReadOptions = {}): Promise<Connection[]> {
    const client = this.clientFor(region);
    return collectPages(async (nextToken) => {
      const out = await client.send(new DescribeConnectionsCommand({ maxResults: PAGE_SIZE, nextToken }), options);
      return { items: out.connections, nextToken: out.nextToken };
    });
  }

  async describeConnection(region: string, connectionId: string, options: ReadOptions = {}): Promise<Connection | null> {
    const out = await nullIfNotFound(
      this.clientFor(region).send(new DescribeConnectionsCommand({ connectionId }), options),
      'CONNECTION_NOT_FOUND',
    );
    return out?.connections?.find((c) => c.connectionId === connectionId) ?? null;
  }

  describeLags(region: string, options: ReadOptions = {}): Promise<Lag[]> {
    const client = this.clientFor(region);
    return collectPages(async (nextToken) => {
      const out = await client.send(new DescribeLagsCommand({ maxResults: PAGE_SIZE, nextToken }), options);
      return { items: out.lags, nextToken: out.nextToken };
    });
  }

  async describeLag(region: string, lagId: string, options: ReadOptions = {}): Promise<Lag | null> {
    const out = await nullIfNotFound(this.clientFor(region).send(new DescribeLagsCommand({ lagId }), options), 'LAG_NOT_FOUND');
    return out?.lags?.find((l) => l.lagId === lagId) ?? null;
  }

  /**
   * Cuts the live link: AWS interrupts the connection and re-establishes it
   * standalone. Deliberately not abortable: once sent, the change happens, and
   * the gateway waits for AWS's answer so that the attempt is audited truly.
   */
  async disassociateConnectionFromLag(
    region: string,
    connectionId: string,
    lagId: string,
  ): Promise<{ connection: Connection; awsRequestId?: string }> {
    const out = await this.clientFor(region).send(new DisassociateConnectionFromLagCommand({ connectionId, lagId }));
    return { connection: withoutMetadata(out), awsRequestId: out.$metadata.requestId };
  }
}
