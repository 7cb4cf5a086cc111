import { randomInt } from 'node:crypto';
import type { HealthEventRecord } from './regionStore.js';

/**
 * AWS Health's Direct Connect maintenance events (docs/aws-behaviour.md, "AWS
 * Health for Direct Connect maintenance"): service DIRECTCONNECT, type AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED, a
 * scheduled change of the account. The ARN has no account and ends in the type
 * code and an ID of its own, like AWS's
 * `arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_VKTXI_EXAMPLE111`.
 */

export const MAINTENANCE_SERVICE = 'DIRECTCONNECT';
export const MAINTENANCE_EVENT_TYPE = 'AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomSuffix = (length: number, alphabet = ALPHANUMERIC): string =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

export const maintenanceEventArn = (region: string, suffix: string): string =>
  `arn:aws:health:${region}::event/${MAINTENANCE_SERVICE}/${MAINTENANCE_EVENT_TYPE}/${MAINTENANCE_EVENT_TYPE}_${suffix}`;

/**
 * An entity's status follows its event: waiting for an upcoming one, impaired
 * while it is open, resolved once closed. The emulator's reading; AWS does not
 * document the mapping for maintenance.
 */
const ENTITY_STATUS: Record<HealthEventRecord['statusCode'], string> = { upcoming: 'PENDING', open: 'IMPAIRED', closed: 'RESOLVED' };

export interface MaintenanceSpec {
  region: string;
  resourceIds: string[];
  statusCode: HealthEventRecord['statusCode'];
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  /** When the event was last updated (epoch milliseconds). */
  now: number;
  /** A fixed ARN suffix (the seeds pin theirs); random otherwise. */
  suffix?: string;
}

export function maintenanceEvent(accountId: string, spec: MaintenanceSpec): HealthEventRecord {
  const lowercase = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return {
    arn: maintenanceEventArn(spec.region, spec.suffix ?? randomSuffix(16)),
    service: MAINTENANCE_SERVICE,
    eventTypeCode: MAINTENANCE_EVENT_TYPE,
    eventTypeCategory: 'scheduledChange',
    region: spec.region,
    startTime: spec.startTime,
    endTime: spec.endTime,
    lastUpdatedTime: spec.now,
    statusCode: spec.statusCode,
    eventScopeCode: 'ACCOUNT_SPECIFIC',
    entities: spec.resourceIds.map((entityValue, i) => ({
      // Health's entity ARNs are its own, not the resource's (AWS CLI describe-affected-entities examples).
      entityArn: `arn:aws:health:${spec.region}:${accountId}:entity/${spec.suffix ? `${spec.suffix.toLowerCase()}${i}` : randomSuffix(24, lowercase)}`,
      entityValue,
      awsAccountId: accountId,
      lastUpdatedTime: spec.now,
      statusCode: ENTITY_STATUS[spec.statusCode],
      tags: {},
    })),
  };
}
