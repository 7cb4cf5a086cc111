import { AwsError, isJsonObject } from '../protocol.js';
import {
  assertLocale,
  assertSubscribed,
  eventShape,
  inRanges,
  invalidToken,
  matchesTags,
  maxResults,
  stringListMember,
  tagSets,
  timeRanges,
} from '../health.js';
import type { Operation } from '../operation.js';
import { newestFirst, paginate } from '../paging.js';
import { optionalString } from '../validate.js';

const STATUS_CODES = ['open', 'closed', 'upcoming'] as const;
const CATEGORIES = ['issue', 'accountNotification', 'scheduledChange', 'investigation'] as const;

/**
 * The account's Health events matching every filter member given (each member a
 * list of alternatives), newest update first. Health's endpoint is global, so any
 * region answers all of them; `regions` filters on the event's region.
 * `entityValues`, `entityArns` and `tags` match the events that name such an
 * entity. `actionabilities` and `personas` are accepted but the emulator's events
 * carry neither, so they are not applied.
 */
export const describeEvents: Operation = (input, { stores }) => {
  assertSubscribed(stores);
  assertLocale(input);
  const limit = maxResults(input);
  const nextToken = optionalString(input, 'nextToken');
  const raw = input.filter ?? {};
  if (!isJsonObject(raw)) throw new AwsError('SerializationException', 'Expected filter to be a structure.');
  const arns = stringListMember(raw, 'eventArns', 10);
  const typeCodes = stringListMember(raw, 'eventTypeCodes', 10);
  const services = stringListMember(raw, 'services', 10);
  const regions = stringListMember(raw, 'regions', 10);
  const zones = stringListMember(raw, 'availabilityZones', 100);
  const entityArns = stringListMember(raw, 'entityArns', 99);
  const entityValues = stringListMember(raw, 'entityValues', 99);
  const categories = stringListMember(raw, 'eventTypeCategories', 10, CATEGORIES);
  const statuses = stringListMember(raw, 'eventStatusCodes', 6, STATUS_CODES);
  const startTimes = timeRanges(raw, 'startTimes');
  const endTimes = timeRanges(raw, 'endTimes');
  const updatedTimes = timeRanges(raw, 'lastUpdatedTimes');
  const tags = tagSets(raw);
  const among = (list: string[] | undefined, value: string | undefined) => list === undefined || (value !== undefined && list.includes(value));

  const events = [...stores.healthEvents.values()].filter(
    (event) =>
      among(arns, event.arn) &&
      among(typeCodes, event.eventTypeCode) &&
      among(services, event.service) &&
      among(regions, event.region) &&
      among(zones, event.availabilityZone) &&
      among(categories, event.eventTypeCategory) &&
      among(statuses, event.statusCode) &&
      inRanges(event.startTime, startTimes) &&
      inRanges(event.endTime, endTimes) &&
      inRanges(event.lastUpdatedTime, updatedTimes) &&
      (entityArns === undefined || event.entities.some((e) => entityArns.includes(e.entityArn))) &&
      (entityValues === undefined || event.entities.some((e) => entityValues.includes(e.entityValue))) &&
      (tags === undefined || event.entities.some((e) => matchesTags(e, tags))),
  );
  const page = paginate(
    events,
    (event) => newestFirst(event.lastUpdatedTime, event.arn),
    { maxResults: limit, nextToken },
    `health:DescribeEvents:${JSON.stringify(raw)}`,
    invalidToken,
  );
  return { events: page.items.map(eventShape), nextToken: page.nextToken };
};
