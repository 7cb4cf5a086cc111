import { AwsError, isJsonObject } from '../protocol.js';
import {
  affectedEntityShape,
  assertLocale,
  assertSubscribed,
  healthValidation,
  inRanges,
  invalidToken,
  matchesTags,
  maxResults,
  stringListMember,
  tagSets,
  timeRanges,
} from '../health.js';
import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { optionalString } from '../validate.js';

const ENTITY_STATUS_CODES = ['IMPAIRED', 'UNIMPAIRED', 'UNKNOWN', 'PENDING', 'RESOLVED'] as const;

/**
 * The entities (here Direct Connect resources) the named events affect: `filter`
 * and its `eventArns` (1 to 10) are required by the model; every other member
 * given narrows the list. An ARN that names no event finds nothing.
 */
export const describeAffectedEntities: Operation = (input, { stores }) => {
  assertSubscribed(stores);
  assertLocale(input);
  const limit = maxResults(input);
  const nextToken = optionalString(input, 'nextToken');
  const raw = input.filter;
  if (raw === undefined || raw === null) {
    throw healthValidation("1 validation error detected: Value null at 'filter' failed to satisfy constraint: Member must not be null");
  }
  if (!isJsonObject(raw)) throw new AwsError('SerializationException', 'Expected filter to be a structure.');
  const arns = stringListMember(raw, 'eventArns', 10);
  if (arns === undefined) {
    throw healthValidation("1 validation error detected: Value null at 'filter.eventArns' failed to satisfy constraint: Member must not be null");
  }
  const entityArns = stringListMember(raw, 'entityArns', 99);
  const entityValues = stringListMember(raw, 'entityValues', 99);
  const statuses = stringListMember(raw, 'statusCodes', 5, ENTITY_STATUS_CODES);
  const updatedTimes = timeRanges(raw, 'lastUpdatedTimes');
  const tags = tagSets(raw);

  const entities = arns.flatMap((arn) => {
    const event = stores.healthEvents.get(arn);
    if (event === undefined) return [];
    return event.entities
      .filter(
        (e) =>
          (entityArns === undefined || entityArns.includes(e.entityArn)) &&
          (entityValues === undefined || entityValues.includes(e.entityValue)) &&
          (statuses === undefined || statuses.includes(e.statusCode)) &&
          inRanges(e.lastUpdatedTime, updatedTimes) &&
          matchesTags(e, tags),
      )
      .map((entity) => ({ event, entity }));
  });
  const page = paginate(
    entities,
    ({ event, entity }) => `${event.arn}|${entity.entityValue}|${entity.entityArn}`,
    { maxResults: limit, nextToken },
    `health:DescribeAffectedEntities:${JSON.stringify(raw)}`,
    invalidToken,
  );
  return { entities: page.items.map(({ event, entity }) => affectedEntityShape(event, entity)), nextToken: page.nextToken };
};
