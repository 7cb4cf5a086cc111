import { AwsError, isJsonObject, type JsonObject } from './protocol.js';
import type { AffectedEntityRecord, HealthEventRecord, RegionStores } from './regionStore.js';
import { pick, type Wire } from './shapes.js';

/**
 * What the two AWS Health operations share (docs/aws-behaviour.md, "AWS Health
 * for Direct Connect maintenance"): the subscription check, filter validation
 * with the model's limits, and the output shapes. Refusals are
 * `ValidationException` in the form of AWS's constraint messages; the wordings are
 * the emulator's own where AWS's are not recorded.
 */

export const EVENT_MEMBERS = [
  'arn', 'service', 'eventTypeCode', 'eventTypeCategory', 'region', 'availabilityZone', 'startTime',
  'endTime', 'lastUpdatedTime', 'statusCode', 'eventScopeCode', 'actionability', 'personas',
] as const;

export const AFFECTED_ENTITY_MEMBERS = [
  'entityArn', 'eventArn', 'entityValue', 'entityUrl', 'awsAccountId', 'lastUpdatedTime', 'statusCode',
  'tags', 'entityMetadata',
] as const;

export const healthValidation = (message: string): AwsError => new AwsError('ValidationException', message);

/**
 * Without Business, Enterprise On-Ramp or Enterprise Support, every Health call is
 * refused with this (the AWS Health User Guide and the SDK errors people report).
 */
export function assertSubscribed(stores: RegionStores): void {
  if (!stores.healthSubscription) {
    throw new AwsError('SubscriptionRequiredException', 'The AWS Premium Support Subscription is required to use this service.');
  }
}

/** The model's `locale`: "English (en) is the default and the only supported value at this time." */
export function assertLocale(input: JsonObject): void {
  const { locale } = input;
  if (locale === undefined || locale === null) return;
  if (typeof locale !== 'string' || !/^en([-_][A-Za-z]{2})?$/.test(locale)) {
    throw new AwsError('UnsupportedLocale', `The locale ${String(locale)} is not supported; use en.`);
  }
}

/** A filter member that is a list of strings, with the model's length limits. */
export function stringListMember(filter: JsonObject, name: string, max: number, allowed?: readonly string[]): string[] | undefined {
  const value = filter[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AwsError('SerializationException', `Expected filter.${name} to be a list of strings.`);
  }
  if (value.length < 1 || value.length > max) {
    throw healthValidation(`1 validation error detected: Value at 'filter.${name}' failed to satisfy constraint: Member must have length between 1 and ${max}`);
  }
  const bad = allowed === undefined ? undefined : value.find((item) => !allowed.includes(item));
  if (bad !== undefined) {
    throw healthValidation(`1 validation error detected: Value '${bad}' at 'filter.${name}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed?.join(', ')}]`);
  }
  return value as string[];
}

interface TimeRange {
  from?: number;
  to?: number;
}

/** DateTimeRange lists (`startTimes`, `endTimes`, `lastUpdatedTimes`): up to 10 `{from, to}` in epoch seconds. */
export function timeRanges(filter: JsonObject, name: string): TimeRange[] | undefined {
  const value = filter[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length < 1 || value.length > 10) {
    throw healthValidation(`1 validation error detected: Value at 'filter.${name}' failed to satisfy constraint: Member must be a list of 1 to 10 time ranges`);
  }
  return value.map((range: unknown) => {
    if (!isJsonObject(range)) throw new AwsError('SerializationException', `Expected filter.${name} to hold {from, to} structures.`);
    const time = (bound: unknown): number | undefined => {
      if (bound === undefined || bound === null) return undefined;
      if (typeof bound !== 'number' || !Number.isFinite(bound)) throw new AwsError('SerializationException', `Expected filter.${name} bounds to be timestamps.`);
      return bound * 1000;
    };
    return { from: time(range.from), to: time(range.to) };
  });
}

/** A time matches a list of ranges when it is inside any of them, bounds included. */
export const inRanges = (time: number | undefined, ranges: TimeRange[] | undefined): boolean =>
  ranges === undefined || (time !== undefined && ranges.some((r) => (r.from === undefined || time >= r.from) && (r.to === undefined || time <= r.to)));

/** Tag filters: a list of tag sets; an entity matches one whose every tag it carries. */
export function tagSets(filter: JsonObject): Record<string, string>[] | undefined {
  const value = filter.tags;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((set) => isJsonObject(set) && Object.values(set).every((v) => typeof v === 'string'))) {
    throw new AwsError('SerializationException', 'Expected filter.tags to be a list of string maps.');
  }
  if (value.length > 50) throw healthValidation("1 validation error detected: Value at 'filter.tags' failed to satisfy constraint: Member must have length less than or equal to 50");
  return value as Record<string, string>[];
}

export const matchesTags = (entity: AffectedEntityRecord, sets: Record<string, string>[] | undefined): boolean =>
  sets === undefined || sets.length === 0 || sets.some((set) => Object.entries(set).every(([k, v]) => entity.tags[k] === v));

/** `maxResults` is `maxResultsLowerRange` in the current model: 1 to 100. */
export function maxResults(input: JsonObject): number | undefined {
  const value = input.maxResults;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new AwsError('SerializationException', 'Expected maxResults to be an integer.');
  if (value < 1 || value > 100) {
    throw healthValidation(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  return value;
}

export function eventShape(event: HealthEventRecord): Wire {
  return pick({
    ...event,
    startTime: new Date(event.startTime),
    endTime: event.endTime === undefined ? undefined : new Date(event.endTime),
    lastUpdatedTime: new Date(event.lastUpdatedTime),
  }, EVENT_MEMBERS);
}

export function affectedEntityShape(event: HealthEventRecord, entity: AffectedEntityRecord): Wire {
  return pick({ ...entity, eventArn: event.arn, lastUpdatedTime: new Date(entity.lastUpdatedTime), tags: { ...entity.tags } }, AFFECTED_ENTITY_MEMBERS);
}

/** Health tokens: the model's pattern is `[a-zA-Z0-9=/+_.-]{4,10000}`, which paging.ts's base64 tokens satisfy. */
export const invalidToken = (): AwsError => new AwsError('InvalidPaginationToken', 'The nextToken provided is not valid for this request.');
