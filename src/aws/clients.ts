import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { HealthClient } from '@aws-sdk/client-health';
import { trace } from '@opentelemetry/api';
import type { InitializeMiddleware } from '@smithy/types';
import { keepToCallWindow } from './callWindow.js';

interface Metadata {
  $metadata?: { requestId?: string; attempts?: number };
}

/**
 * Puts what AWS said of a call (its request ID, how many attempts the SDK made) on the
 * span awsCall opened for it (docs/contract.md, "Tracing"); outermost, so the
 * SDK's retries are inside. Added only when tracing is on; a span not sampled is skipped.
 */
const recordOnSpan: InitializeMiddleware<object, object> = (next) => async (args) => {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return next(args);
  const note = ({ $metadata }: Metadata) => {
    if ($metadata?.requestId) span.setAttribute('aws.request_id', $metadata.requestId);
    if ($metadata?.attempts) span.setAttribute('dxgraph.aws.attempts', $metadata.attempts);
  };
  try {
    const result = await next(args);
    note(result.output as Metadata);
    return result;
  } catch (error) {
    note((error ?? {}) as Metadata);
    throw error;
  }
};

export interface ClientOptions {
  /** A custom endpoint for every service (the emulator, a proxy); undefined means AWS's own. */
  endpoint?: string;
  /** Fixed credentials for the emulator; undefined means the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  timeoutMs: number;
  maxAttempts: number;
  /** Tracing is on: record what AWS said of each call on its span. */
  traced?: boolean;
}

export type ClientForRegion = (region: string) => DirectConnectClient;

/**
 * The AWS Health API is global: its endpoint is in us-east-1 whatever region an event
 * is about (docs/aws-behaviour.md, "AWS Health for Direct Connect maintenance").
 */
export const HEALTH_REGION = 'us-east-1';

/** One SDK client per service and region, created on first use and reused for the process's life. */
export interface AwsClients {
  directConnect: ClientForRegion;
  cloudWatch(region: string): CloudWatchClient;
  /** The one Health client (HEALTH_REGION). */
  health(): HealthClient;
  destroyAll(): void;
}

interface Destroyable {
  destroy(): void;
  middlewareStack: { add(middleware: InitializeMiddleware<object, object>, options: { step: 'initialize'; name: string }): void };
}

export function createAwsClients(options: ClientOptions): AwsClients {
  const clients = new Map<string, Destroyable>();
  const config = (region: string) => ({
    region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
    // Per-attempt limits; the SDK's standard retry strategy retries throttling, 5xx
    // and timeouts. Without throwOnRequestTimeout the handler only logs a warning
    // when requestTimeout passes and keeps waiting.
    requestHandler: {
      requestTimeout: options.timeoutMs,
      connectionTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  const clientFor = <C extends Destroyable>(service: string, region: string, make: (settings: ReturnType<typeof config>) => C): C => {
    const key = `${service} ${region}`;
    let client = clients.get(key) as C | undefined;
    if (!client) {
      client = make(config(region));
      if (options.traced) client.middlewareStack.add(recordOnSpan, { step: 'initialize', name: 'dxgraphRecordOnSpan' });
      clients.set(key, client);
    }
    return client;
  };
  return {
    directConnect: (region) =>
      clientFor('directconnect', region, (settings) => {
        const client = new DirectConnectClient(settings);
        // After the retry middleware (same step, higher priority), so it runs before every attempt (callWindow.ts).
        client.middlewareStack.add(keepToCallWindow, { step: 'finalizeRequest', priority: 'low', name: 'dxgraphCallWindow' });
        return client;
      }),
    cloudWatch: (region) => clientFor('monitoring', region, (settings) => new CloudWatchClient(settings)),
    health: () => clientFor('health', HEALTH_REGION, (settings) => new HealthClient(settings)),
    destroyAll() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
