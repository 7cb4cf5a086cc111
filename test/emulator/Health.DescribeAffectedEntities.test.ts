import { DescribeAffectedEntitiesCommand, type EntityFilter } from '@aws-sdk/client-health';
import { describe, expect, it } from 'vitest';
import { caught, useEmulator } from '../helpers/emulator.js';

// AWS Health's DescribeAffectedEntities: which Direct Connect resources a maintenance
// event names (docs/aws-behaviour.md, "AWS Health for Direct Connect maintenance").

const h = useEmulator();
const ARN_PREFIX = 'arn:aws:health:us-east-1::event/DIRECTCONNECT/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED_';
const UPCOMING = `${ARN_PREFIX}DEMOMAINT01C0001`;
const CLOSED = `${ARN_PREFIX}DEMOALLOW01B0001`;

const describeEntities = (filter: EntityFilter | undefined, more: { maxResults?: number; nextToken?: string } = {}) =>
  h.health('us-east-1', { maxAttempts: 1 }).send(new DescribeAffectedEntitiesCommand({ filter: filter as EntityFilter, ...more }));
const values = async (filter: EntityFilter) => (await describeEntities(filter)).entities?.map((e) => `${e.entityValue} ${e.statusCode}`);

describe('DescribeAffectedEntities', () => {
  it('names the connection each demo event affects, its status following the event', async () => {
    const { entities } = await describeEntities({ eventArns: [UPCOMING, CLOSED] });
    expect(entities?.map((e) => [e.eventArn, e.entityValue, e.statusCode])).toEqual([
      [CLOSED, 'dxcon-allow01b', 'RESOLVED'],
      [UPCOMING, 'dxcon-maint01c', 'PENDING'],
    ]);
    expect(entities?.[1]).toEqual({
      entityArn: expect.stringMatching(/^arn:aws:health:us-east-1:123456789012:entity\/\w+$/),
      eventArn: UPCOMING,
      entityValue: 'dxcon-maint01c',
      awsAccountId: '123456789012',
      lastUpdatedTime: expect.any(Date),
      statusCode: 'PENDING',
      tags: {},
    });
  });

  it('narrows by entity value, status and ARN, and finds nothing for an unknown event', async () => {
    const body = { region: 'us-east-1', resourceIds: ['dxcon-busy001a', 'dxcon-busy001b', 'dxvif-busy01pv'], statusCode: 'open', startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T04:00:00Z' };
    const { eventArn } = (await (await h.control('maintenance', { method: 'POST', body })).json()) as { eventArn: string };
    expect(await values({ eventArns: [eventArn] }), 'by event, then by entity value').toEqual(['dxcon-busy001a IMPAIRED', 'dxcon-busy001b IMPAIRED', 'dxvif-busy01pv IMPAIRED']);
    expect(await values({ eventArns: [eventArn], entityValues: ['dxvif-busy01pv'] })).toEqual(['dxvif-busy01pv IMPAIRED']);
    expect(await values({ eventArns: [eventArn, UPCOMING], statusCodes: ['PENDING'] })).toEqual(['dxcon-maint01c PENDING']);
    const { entities } = await describeEntities({ eventArns: [eventArn] });
    expect(await values({ eventArns: [eventArn], entityArns: [entities![0]!.entityArn!] })).toHaveLength(1);
    expect(await values({ eventArns: [`${ARN_PREFIX}NOSUCHEVENT00001`] })).toEqual([]);
  });

  it('pages with maxResults and nextToken', async () => {
    const first = await describeEntities({ eventArns: [UPCOMING, CLOSED] }, { maxResults: 1 });
    const second = await describeEntities({ eventArns: [UPCOMING, CLOSED] }, { maxResults: 1, nextToken: first.nextToken });
    expect([first.entities?.[0]?.entityValue, second.entities?.[0]?.entityValue, second.nextToken]).toEqual(['dxcon-allow01b', 'dxcon-maint01c', undefined]);
    const error = await caught(describeEntities({ eventArns: [UPCOMING] }, { maxResults: 1, nextToken: first.nextToken }));
    expect(error.name).toBe('InvalidPaginationToken');
  });

  it('requires a filter with 1 to 10 eventArns, as the model does', async () => {
    const refusal = async (filter: unknown) => {
      const error = await caught(describeEntities(filter as EntityFilter));
      return [error.name, (error.$metadata as { httpStatusCode: number }).httpStatusCode, error.message];
    };
    expect(await refusal(undefined)).toEqual(['ValidationException', 400, "1 validation error detected: Value null at 'filter' failed to satisfy constraint: Member must not be null"]);
    expect(await refusal({})).toEqual(['ValidationException', 400, "1 validation error detected: Value null at 'filter.eventArns' failed to satisfy constraint: Member must not be null"]);
    expect((await refusal({ eventArns: [] }))[2]).toContain('Member must have length between 1 and 10');
    expect((await refusal({ eventArns: Array.from({ length: 11 }, () => UPCOMING) }))[2]).toContain('Member must have length between 1 and 10');
    expect((await refusal({ eventArns: [UPCOMING], statusCodes: ['BROKEN'] }))[2]).toContain('[IMPAIRED, UNIMPAIRED, UNKNOWN, PENDING, RESOLVED]');
  });
});
