import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { inActiveSpan } from '../telemetry.js';
import { classifyAwsError } from './classifyAwsError.js';

// Every AWS call the gateway makes, whatever the service, goes through awsCall: one
// CLIENT span per call (the SDK's retries inside it), its latency and outcome in the
// metrics, and a failure logged with AWS's own words for operators.

/** The AWS services the gateway calls, as they name themselves in spans and logs. */
export type AwsServiceName = 'DirectConnect' | 'CloudWatch' | 'Health';

/** How logs name them. */
const SHOWN: Record<AwsServiceName, string> = { DirectConnect: 'Direct Connect', CloudWatch: 'CloudWatch', Health: 'Health' };

export interface CallDeps {
  logger: Logger;
  metrics?: Metrics;
}

export function awsCall<Output>(deps: CallDeps, service: AwsServiceName, region: string, operation: string, send: () => Promise<Output>): Promise<Output> {
  const stopTimer = deps.metrics?.awsLatency.startTimer({ operation, region });
  return inActiveSpan(
    `${service}.${operation}`,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation, 'cloud.region': region } },
    async (span) => {
      try {
        // The SDK client puts AWS's request ID and the attempts on this span (clients.ts).
        const output = await send();
        span.setAttribute('dxgraph.outcome', 'success');
        deps.metrics?.awsCalls.inc({ operation, region, outcome: 'success' });
        return output;
      } catch (error) {
        const { code, awsRequestId, awsErrorName } = classifyAwsError(error);
        span.setAttribute('dxgraph.outcome', code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
        deps.metrics?.awsCalls.inc({ operation, region, outcome: code });
        // The full AWS message is for operators; what callers see is classified.
        deps.logger.warn(
          { service, operation, region, code, awsErrorName, awsRequestId, awsMessage: (error as Error | undefined)?.message },
          `AWS ${SHOWN[service]} call failed`,
        );
        throw error;
      } finally {
        stopTimer?.();
        span.end();
      }
    },
  );
}
