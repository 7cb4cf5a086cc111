import { describe, expect, it } from 'vitest';
import { awsCliAvailable, awsCliWith, DEBIAN_AWS_CLI, debianAwsCliAvailable } from '../helpers/awsCli.js';
import { DX_PRIVATE, DX_TRANSIT, dxMetricQuery, useEmulator } from '../helpers/emulator.js';

// The AWS CLIs against the emulator's CloudWatch, Health and Direct Connect gateway
// operations. `aws` on PATH here is the AWS CLI v1 on current botocore, which sends
// CloudWatch AWS JSON 1.0 (docs/aws-behaviour.md, "CloudWatch and AWS Health on the
// wire"); Debian's CLI v2 at /usr/bin/aws, when installed, sends CloudWatch the
// query protocol. Both send Health and Direct Connect JSON 1.1.

const h = useEmulator();
const MINUTE = 60_000;

/** The CLI's error line; with retries configured Debian's v2 adds "(reached max retries: N)" before the colon. */
const cliError = (code: string, operation: string, message: string): RegExp =>
  new RegExp(`An error occurred \\(${code}\\) when calling the ${operation} operation( \\(reached max retries: \\d+\\))?: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

const CLIS = [
  { name: '`aws` on PATH', binary: 'aws', present: awsCliAvailable },
  { name: `Debian's AWS CLI v2 (${DEBIAN_AWS_CLI})`, binary: DEBIAN_AWS_CLI, present: debianAwsCliAvailable },
];

for (const cli of CLIS) {
  describe.skipIf(!cli.present)(`${cli.name} against the emulator`, () => {
    // Async on purpose: the emulator answers from this same process.
    const aws = <T = any>(service: string, region: string, ...args: string[]) => awsCliWith<T>({ service, binary: cli.binary, maxAttempts: 1 }, h.url, region, ...args);
    const failure = (call: Promise<unknown>) => call.then(() => '', (e: { stderr: string }) => e.stderr);
    const lastHour = () => {
      const end = Math.floor(Date.now() / MINUTE) * MINUTE;
      return ['--start-time', new Date(end - 60 * MINUTE).toISOString(), '--end-time', new Date(end).toISOString()];
    };

    it('cloudwatch get-metric-data: the busy LAG\'s members at 6 Gbps, a VIF under both dimensions, and a metric without data', async () => {
      const queries = [
        dxMetricQuery('a', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001a' }, { period: 300 }),
        dxMetricQuery('v', 'VirtualInterfaceBpsIngress', { ConnectionId: 'dxlag-busy0001', VirtualInterfaceId: 'dxvif-busy01pv' }, { period: 300, stat: 'Maximum' }),
        dxMetricQuery('none', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-nosuch01' }, { period: 300 }),
      ];
      const range = lastHour();
      const out = await aws<{ MetricDataResults: Array<{ Id: string; Timestamps: unknown[]; Values: number[]; StatusCode: string }> }>(
        'cloudwatch', 'us-east-1', 'get-metric-data', '--metric-data-queries', JSON.stringify(queries), ...range,
      );
      expect(out.MetricDataResults.map((r) => [r.Id, r.Values.length, [...new Set(r.Values)], r.StatusCode])).toEqual([
        // Twelve 5-minute boundaries in any hour-long, half-open range.
        ['a', 12, [6e9], 'Complete'],
        ['v', 12, [0.2e9], 'Complete'],
        ['none', 0, [], 'Complete'],
      ]);
      // v1 prints epoch seconds, v2 ISO 8601; either is the newest 5-minute boundary before EndTime.
      const newest = out.MetricDataResults[0]!.Timestamps[0];
      const end = Date.parse(range[3]!);
      expect(typeof newest === 'number' ? newest * 1000 : Date.parse(String(newest))).toBe(Math.ceil(end / (5 * MINUTE)) * 5 * MINUTE - 5 * MINUTE);
      expect(h.emulator.stats()).toEqual({ GetMetricData: 1 });
    });

    it('cloudwatch get-metric-data: a refusal shows CloudWatch\'s code', async () => {
      const bad = [dxMetricQuery('Bad', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001a' })];
      expect(await failure(aws('cloudwatch', 'us-east-1', 'get-metric-data', '--metric-data-queries', JSON.stringify(bad), ...lastHour()))).toMatch(
        cliError('ValidationError', 'GetMetricData', '1 validation error detected'),
      );
      const period = [dxMetricQuery('m1', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001a' }, { period: 90 })];
      expect(await failure(aws('cloudwatch', 'us-east-1', 'get-metric-data', '--metric-data-queries', JSON.stringify(period), ...lastHour()))).toMatch(
        cliError('InvalidParameterValue', 'GetMetricData', 'The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60'),
      );
    });

    it('cloudwatch get-metric-data: a throttle fault reaches the CLI as Throttling', async () => {
      await h.control('faults', { method: 'POST', body: { type: 'throttle', operation: 'GetMetricData', count: 1 } });
      const queries = [dxMetricQuery('m1', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001a' })];
      expect(await failure(aws('cloudwatch', 'us-east-1', 'get-metric-data', '--metric-data-queries', JSON.stringify(queries), ...lastHour()))).toMatch(
        cliError('Throttling', 'GetMetricData', 'Rate exceeded'),
      );
    });

    it('health describe-events and describe-affected-entities: the upcoming maintenance of dxcon-maint01c', async () => {
      const { events } = await aws<{ events: Array<{ arn: string; statusCode: string; service: string }> }>('health', 'us-east-1', 'describe-events', '--filter', 'eventStatusCodes=upcoming,services=DIRECTCONNECT');
      expect(events.map((e) => [e.service, e.statusCode])).toEqual([['DIRECTCONNECT', 'upcoming']]);
      expect(events[0]!.arn).toMatch(/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED_DEMOMAINT01C0001$/);
      const { entities } = await aws<{ entities: Array<{ entityValue: string; statusCode: string }> }>('health', 'us-east-1', 'describe-affected-entities', '--filter', `eventArns=${events[0]!.arn}`);
      expect(entities.map((e) => [e.entityValue, e.statusCode])).toEqual([['dxcon-maint01c', 'PENDING']]);
    });

    it('health describe-events: without the subscription, SubscriptionRequiredException', async () => {
      await h.control('health-subscription', { method: 'POST', body: { enabled: false } });
      expect(await failure(aws('health', 'us-east-1', 'describe-events'))).toMatch(
        cliError('SubscriptionRequiredException', 'DescribeEvents', 'The AWS Premium Support Subscription is required to use this service.'),
      );
    });

    it('directconnect describe-direct-connect-gateways, -associations and -attachments', async () => {
      const { directConnectGateways } = await aws<{ directConnectGateways: Array<{ directConnectGatewayName: string }> }>('directconnect', 'eu-west-1', 'describe-direct-connect-gateways');
      expect(directConnectGateways.map((g) => g.directConnectGatewayName)).toEqual(['dxgw-transit', 'dxgw-private', 'dxgw-solo']);
      const { directConnectGatewayAssociations } = await aws<{ directConnectGatewayAssociations: Array<{ associatedGateway: { id: string; type: string } }> }>(
        'directconnect', 'us-east-1', 'describe-direct-connect-gateway-associations', '--direct-connect-gateway-id', DX_TRANSIT,
      );
      expect(directConnectGatewayAssociations.map((a) => a.associatedGateway)).toEqual([expect.objectContaining({ id: 'tgw-0a1b2c3d4e5f60718', type: 'transitGateway' })]);
      const { directConnectGatewayAttachments } = await aws<{ directConnectGatewayAttachments: Array<{ virtualInterfaceId: string; virtualInterfaceRegion: string }> }>(
        'directconnect', 'us-east-1', 'describe-direct-connect-gateway-attachments', '--direct-connect-gateway-id', DX_PRIVATE,
      );
      expect(directConnectGatewayAttachments.map((a) => `${a.virtualInterfaceId} ${a.virtualInterfaceRegion}`)).toContain('dxvif-euwest1pv eu-west-1');
      expect(directConnectGatewayAttachments).toHaveLength(8);
      expect(await failure(aws('directconnect', 'us-east-1', 'describe-direct-connect-gateway-attachments'))).toMatch(
        cliError('DirectConnectClientException', 'DescribeDirectConnectGatewayAttachments', 'Specify a directConnectGatewayId, a virtualInterfaceId, or both.'),
      );
    });
  });
}
