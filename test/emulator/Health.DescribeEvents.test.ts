import { DescribeAffectedEntitiesCommand, DescribeEventsCommand, Event$, AffectedEntity$, type EventFilter } from '@aws-sdk/client-health';
import { describe, expect, it } from 'vitest';
import { AFFECTED_ENTITY_MEMBERS, EVENT_MEMBERS } from '../../src/emulator/health.js';
import { caught, useEmulator } from '../helpers/emulator.js';

// AWS Health's DescribeEvents over the emulator's Direct Connect maintenance events
// (docs/aws-behaviour.md, "AWS Health for Direct Connect maintenance").

const h = useEmulator();
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const ARN_PREFIX = 'arn:aws:health:us-east-1::event/DIRECTCONNECT/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED_';
const UPCOMING = `${ARN_PREFIX}DEMOMAINT01C0001`;
const CLOSED = `${ARN_PREFIX}DEMOALLOW01B0001`;

const describeEvents = (filter?: EventFilter, more: { maxResults?: number; nextToken?: string; locale?: string } = {}, region = 'us-east-1') =>
  h.health(region, { maxAttempts: 1 }).send(new DescribeEventsCommand({ filter, ...more }));
const arns = async (filter?: EventFilter) => (await describeEvents(filter)).events?.map((e) => e.arn);
const maintenance = (body: unknown) => h.control('maintenance', { method: 'POST', body });

describe('DescribeEvents', () => {
  it('uses exactly the member names of the SDK model', () => {
    expect([...EVENT_MEMBERS]).toEqual(Event$[4]);
    expect([...AFFECTED_ENTITY_MEMBERS]).toEqual(AffectedEntity$[4]);
  });

  it('lists the demo\'s DX maintenance events, newest update first, with the times placed around the start', async () => {
    const before = Date.now();
    h.emulator.reset();
    const { events, nextToken } = await describeEvents();
    expect(nextToken).toBeUndefined();
    expect(events?.map((e) => e.arn)).toEqual([UPCOMING, CLOSED]);
    const [upcoming, closed] = events ?? [];
    expect(upcoming).toEqual({
      arn: UPCOMING,
      service: 'DIRECTCONNECT',
      eventTypeCode: 'AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED',
      eventTypeCategory: 'scheduledChange',
      region: 'us-east-1',
      startTime: expect.any(Date),
      endTime: expect.any(Date),
      lastUpdatedTime: expect.any(Date),
      statusCode: 'upcoming',
      eventScopeCode: 'ACCOUNT_SPECIFIC',
    });
    const start = upcoming!.startTime!.getTime();
    expect(start - before).toBeGreaterThanOrEqual(3 * DAY);
    expect(start - Date.now()).toBeLessThanOrEqual(3 * DAY);
    expect(upcoming!.endTime!.getTime() - start).toBe(4 * HOUR);
    expect(closed).toMatchObject({ statusCode: 'closed' });
    expect(Date.now() - closed!.endTime!.getTime()).toBeGreaterThanOrEqual(DAY);
    expect(closed!.endTime!.getTime() - closed!.startTime!.getTime()).toBe(4 * HOUR);
  });

  it('answers the same events at any region\'s endpoint: Health is global', async () => {
    const { events } = await describeEvents(undefined, {}, 'eu-west-1');
    expect(events?.map((e) => e.arn)).toEqual([UPCOMING, CLOSED]);
  });

  it('filters by every member given, each a list of alternatives', async () => {
    expect(await arns({ eventStatusCodes: ['upcoming'] })).toEqual([UPCOMING]);
    expect(await arns({ eventStatusCodes: ['open', 'closed'] })).toEqual([CLOSED]);
    expect(await arns({ eventStatusCodes: ['open'] })).toEqual([]);
    expect(await arns({ services: ['DIRECTCONNECT'], eventTypeCategories: ['scheduledChange'] })).toEqual([UPCOMING, CLOSED]);
    expect(await arns({ services: ['EC2'] })).toEqual([]);
    expect(await arns({ regions: ['eu-west-1'] })).toEqual([]);
    expect(await arns({ eventTypeCodes: ['AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED'], regions: ['us-east-1'] })).toEqual([UPCOMING, CLOSED]);
    expect(await arns({ entityValues: ['dxcon-maint01c'] })).toEqual([UPCOMING]);
    expect(await arns({ entityValues: ['dxcon-allow01b', 'dxcon-nosuch01'] })).toEqual([CLOSED]);
    expect(await arns({ eventArns: [CLOSED] })).toEqual([CLOSED]);
    expect(await arns({ startTimes: [{ from: new Date() }] })).toEqual([UPCOMING]);
    expect(await arns({ endTimes: [{ to: new Date() }] })).toEqual([CLOSED]);
    expect(await arns({ lastUpdatedTimes: [{ from: new Date(Date.now() - HOUR) }] })).toEqual([UPCOMING]);
  });

  it('finds the events the maintenance control adds, with a fresh ARN of AWS\'s form', async () => {
    const startTime = new Date(Date.now() - HOUR).toISOString();
    const endTime = new Date(Date.now() + HOUR).toISOString();
    const added = await maintenance({ region: 'eu-west-1', resourceIds: ['dxcon-euwest1a', 'dxcon-euwest1b'], statusCode: 'open', startTime, endTime });
    expect(added.status).toBe(200);
    const { eventArn } = (await added.json()) as { eventArn: string };
    expect(eventArn).toMatch(/^arn:aws:health:eu-west-1::event\/DIRECTCONNECT\/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED\/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED_[A-Z0-9]{16}$/);
    const { events } = await describeEvents({ eventStatusCodes: ['open'] });
    expect(events).toEqual([expect.objectContaining({ arn: eventArn, region: 'eu-west-1', startTime: new Date(startTime), endTime: new Date(endTime), statusCode: 'open' })]);
    expect((await arns())?.[0], 'the newest update comes first').toBe(eventArn);
  });

  it('pages with maxResults and nextToken, and refuses a token it did not issue', async () => {
    const first = await describeEvents(undefined, { maxResults: 1 });
    expect(first.events?.map((e) => e.arn)).toEqual([UPCOMING]);
    const second = await describeEvents(undefined, { maxResults: 1, nextToken: first.nextToken });
    expect([second.events?.map((e) => e.arn), second.nextToken]).toEqual([[CLOSED], undefined]);
    const error = await caught(describeEvents({ services: ['DIRECTCONNECT'] }, { maxResults: 1, nextToken: first.nextToken }));
    expect([error.name, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(['InvalidPaginationToken', 400]);
  });

  it('refuses a maxResults outside 1..100 (the current model), an unknown status and a locale other than English', async () => {
    for (const maxResults of [0, 101]) {
      const error = await caught(describeEvents(undefined, { maxResults }));
      expect([error.name, error.message], String(maxResults)).toEqual([
        'ValidationException',
        `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
      ]);
    }
    const status = await caught(describeEvents({ eventStatusCodes: ['pending' as never] }));
    expect([status.name, status.message]).toEqual(['ValidationException', expect.stringContaining('Member must satisfy enum value set: [open, closed, upcoming]')]);
    const tooMany = await caught(describeEvents({ services: Array.from({ length: 11 }, (_, i) => `S${i}x`) }));
    expect(tooMany.message).toContain("'filter.services' failed to satisfy constraint: Member must have length between 1 and 10");
    expect((await caught(describeEvents(undefined, { locale: 'fr' }))).name).toBe('UnsupportedLocale');
    expect((await describeEvents(undefined, { locale: 'en' })).events).toHaveLength(2);
  });
});

describe('the Premium Support subscription', () => {
  const subscription = (enabled: unknown) => h.control('health-subscription', { method: 'POST', body: { enabled } });

  it('when off, refuses both operations with SubscriptionRequiredException, and on again answers', async () => {
    expect(await (await subscription(false)).json()).toEqual({ enabled: false });
    for (const call of [describeEvents(), h.health('us-east-1', { maxAttempts: 1 }).send(new DescribeAffectedEntitiesCommand({ filter: { eventArns: [UPCOMING] } }))]) {
      const error = await caught(call);
      expect([error.name, error.message, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual([
        'SubscriptionRequiredException',
        'The AWS Premium Support Subscription is required to use this service.',
        400,
      ]);
    }
    await subscription(true);
    expect((await describeEvents()).events).toHaveLength(2);
    expect(h.emulator.stats()).toEqual({ DescribeEvents: 2, DescribeAffectedEntities: 1 });
  });

  it('is restored by a reset, as are the events', async () => {
    await subscription(false);
    await maintenance({ region: 'us-east-1', resourceIds: ['dxcon-busy001a'], statusCode: 'open', startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T04:00:00Z' });
    await h.control('reset', { method: 'POST' });
    expect(await arns()).toEqual([UPCOMING, CLOSED]);
  });

  it('takes only a boolean', async () => {
    const response = await subscription('no');
    expect([response.status, ((await response.json()) as { message: string }).message]).toEqual([400, 'Invalid health-subscription body: enabled must be true or false.']);
  });
});

describe('faults on Health', () => {
  it('throttles with ThrottlingException and fails with InternalFailure (HTTP 500), in JSON 1.1', async () => {
    await h.control('faults', { method: 'POST', body: { type: 'throttle', operation: 'DescribeEvents', count: 1 } });
    const throttled = await caught(describeEvents());
    expect([throttled.name, throttled.message, (throttled.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(['ThrottlingException', 'Rate exceeded', 400]);
    await h.control('faults', { method: 'POST', body: { type: 'server-error', operation: 'DescribeAffectedEntities', count: 1 } });
    const failed = await caught(h.health('us-east-1', { maxAttempts: 1 }).send(new DescribeAffectedEntitiesCommand({ filter: { eventArns: [UPCOMING] } })));
    expect([failed.name, (failed.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(['InternalFailure', 500]);
    const raw = await fetch(`${h.url}/`, { method: 'POST', headers: { 'X-Amz-Target': 'AWSHealth_20160804.DescribeEvents', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect([raw.status, raw.headers.get('content-type'), raw.headers.get('x-amzn-query-error')]).toEqual([200, 'application/x-amz-json-1.1', null]);
  });

  it('lets the SDK\'s retries ride out a throttle', async () => {
    await h.control('faults', { method: 'POST', body: { type: 'throttle', operation: 'DescribeEvents', count: 1 } });
    const { events, $metadata } = await h.health('us-east-1', { maxAttempts: 3 }).send(new DescribeEventsCommand({}));
    expect([events?.length, $metadata.attempts]).toEqual([2, 2]);
  });
});
