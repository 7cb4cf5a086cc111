import { DescribeAffectedEntitiesCommand, DescribeEventsCommand, type HealthClient } from '@aws-sdk/client-health';
import type { Logger } from 'pino';
import { NO_CACHE, type ReadCache } from '../cache/readCache.js';
import type { Metrics } from '../metrics.js';
import { awsCall } from './call.js';
import { AwsCallFailed, classifyAwsError } from './classifyAwsError.js';
import { HEALTH_REGION } from './clients.js';
import type { ReadOptions } from './directConnect.js';
import { collectPages } from './paging.js';

// AWS's own maintenance, from the AWS Health API (docs/aws-behaviour.md, "AWS Health for Direct Connect maintenance"):
// events of service DIRECTCONNECT, and for each the connections, LAGs and VIFs it
// names (DescribeAffectedEntities, entityValue). Health is global (its endpoint is in
// us-east-1) and needs a Business support plan or better: without one it answers
// SubscriptionRequiredException, which makes maintenance unknown, never an error of
// a query or a change. A region's open and upcoming events are read once per request
// (cached across requests like the Describe calls); every field filters that one listing.

/** The MaintenanceEvent type of the schema; times as ISO strings, so that a cached copy (JSON in Redis) reads the same. */
export interface MaintenanceEvent {
  eventArn: string;
  eventTypeCode: string;
  statusCode: string | null;
  startTime: string | null;
  endTime: string | null;
  region: string | null;
  affectedResourceIds: string[];
}

/** The MaintenanceReport type of the schema: the events, or why they are not known. */
export interface MaintenanceReport {
  known: boolean;
  unknownReason: string | null;
  events: MaintenanceEvent[];
}

/** DescribeEvents and DescribeAffectedEntities take 10 to 100 results a page. */
const PAGE_SIZE = 100;
/** DescribeAffectedEntities takes at most 10 event ARNs a call. */
const ARNS_PER_CALL = 10;

/** What a person reads when maintenance is not known because Health failed. */
export function unknownBecause(error: unknown): string {
  const classified = error instanceof AwsCallFailed ? error.classified : classifyAwsError(error, 'AWS Health');
  if (classified.awsErrorName === 'SubscriptionRequiredException') {
    return (
      'AWS Health answered SubscriptionRequiredException: the account has no Business, Enterprise On-Ramp or Enterprise ' +
      'support plan, so AWS\'s scheduled maintenance cannot be read here. Check the AWS Health Dashboard before the change.'
    );
  }
  switch (classified.code) {
    case 'AWS_ACCESS_DENIED':
      return `The gateway may not read AWS Health (it needs health:DescribeEvents and health:DescribeAffectedEntities): ${classified.message}`;
    case 'THROTTLED':
      return 'AWS Health throttled the gateway; maintenance is read again on the next request.';
    default:
      return `AWS Health could not be read: ${classified.message}`;
  }
}

export class MaintenanceService {
  private readonly cache: ReadCache;
  private readonly metrics?: Metrics;

  constructor(
    private readonly client: () => HealthClient,
    private readonly logger: Logger,
    options: { cache?: ReadCache; metrics?: Metrics } = {},
  ) {
    this.cache = options.cache ?? NO_CACHE;
    this.metrics = options.metrics;
  }

  /** The open and upcoming Direct Connect events of a region, each with the resource IDs it names. Throws when Health fails. */
  regionEvents(region: string, options: ReadOptions = {}): Promise<MaintenanceEvent[]> {
    const fetch = () => this.fetchEvents(region);
    if (options.fresh) return fetch();
    return this.cache.read({ region, operation: 'DescribeEvents' }, fetch, options);
  }

  /** The region's events as a report: a failure of Health is "not known", with the reason, never an error. */
  report(region: string, options: ReadOptions = {}): Promise<MaintenanceReport> {
    return this.regionEvents(region, options).then(
      (events): MaintenanceReport => ({ known: true, unknownReason: null, events }),
      (error: unknown): MaintenanceReport => ({ known: false, unknownReason: unknownBecause(error), events: [] }),
    );
  }

  private call<Output>(operation: string, send: (client: HealthClient) => Promise<Output>): Promise<Output> {
    return awsCall({ logger: this.logger, metrics: this.metrics }, 'Health', HEALTH_REGION, operation, () => send(this.client()));
  }

  private async fetchEvents(region: string): Promise<MaintenanceEvent[]> {
    const events = await collectPages(async (nextToken) => {
      const out = await this.call('DescribeEvents', (client) =>
        client.send(
          new DescribeEventsCommand({
            filter: { services: ['DIRECTCONNECT'], regions: [region], eventStatusCodes: ['open', 'upcoming'] },
            maxResults: PAGE_SIZE,
            nextToken,
          }),
        ),
      );
      return { items: out.events, nextToken: out.nextToken };
    }, 'AWS Health');
    const withArns = events.filter((event) => typeof event.arn === 'string');
    const affected = new Map<string, string[]>(withArns.map((event) => [event.arn!, []]));
    const arns = [...affected.keys()];
    const chunks: string[][] = [];
    for (let i = 0; i < arns.length; i += ARNS_PER_CALL) chunks.push(arns.slice(i, i + ARNS_PER_CALL));
    await Promise.all(
      chunks.map(async (eventArns) => {
        const entities = await collectPages(async (nextToken) => {
          const out = await this.call('DescribeAffectedEntities', (client) =>
            client.send(new DescribeAffectedEntitiesCommand({ filter: { eventArns }, maxResults: PAGE_SIZE, nextToken })),
          );
          return { items: out.entities, nextToken: out.nextToken };
        }, 'AWS Health');
        for (const entity of entities) {
          if (entity.eventArn && entity.entityValue) affected.get(entity.eventArn)?.push(entity.entityValue);
        }
      }),
    );
    return withArns.map((event) => ({
      eventArn: event.arn!,
      eventTypeCode: event.eventTypeCode ?? 'UNKNOWN',
      statusCode: event.statusCode ?? null,
      startTime: event.startTime?.toISOString() ?? null,
      endTime: event.endTime?.toISOString() ?? null,
      region: event.region ?? null,
      affectedResourceIds: [...new Set(affected.get(event.arn!) ?? [])].sort(),
    }));
  }
}

/** The events that name any of `resourceIds`. */
export function eventsNaming(events: readonly MaintenanceEvent[], resourceIds: ReadonlySet<string>): MaintenanceEvent[] {
  return events.filter((event) => event.affectedResourceIds.some((id) => resourceIds.has(id)));
}
