import { DirectConnectClient, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-direct-connect';
import { trace } from '@opentelemetry/api';
import type { InitializeMiddleware } from '@smithy/types';

interface Metadata {
  $metadata?: { requestId?: string; attempts?: number };
}

/**
 * Puts what AWS said of a call (its request ID, how many attempts the SDK made) on the
 * span the service opened for it (docs/contract.md, "Tracing"); outermost, so the
 * SDK's retries are inside. Added only when tracing is on; a span not sampled is skipped.
 */
const recordOnSpan: InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes> =
  (next) =>
  async (args) => {
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return next(args);
    const note = ({ $metadata }: Metadata) => {
      if ($metadata?.requestId) span.setAttribute('aws.request_id', $metadata.requestId);
      if ($metadata?.attempts) span.setAttribute('dxgraph.aws.attempts', $metadata.attempts);
    };
    try {
      const result = await next(args);
      note(result.output);
      return result;
    } catch (error) {
      note((error ?? {}) as Metadata);
      throw error;
    }
  };

export interface ClientOptions {
  /** A custom endpoint (the emulator, a proxy); undefined means AWS's own. */
  endpoint?: string;
  /** Fixed credentials for the emulator; undefined means the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  timeoutMs: number;
  maxAttempts: number;
  /** Tracing is on: record what AWS said of each call on its span. */
  traced?: boolean;
}

export type ClientForRegion = (region: string) => DirectConnectClient;

/** One SDK client per region, created on first use and reused for the process's life. */
export function createClientFactory(options: ClientOptions): ClientForRegion & { destroyAll(): void } {
  const clients = new Map<string, DirectConnectClient>();
  const clientFor = (region: string): DirectConnectClient => {
    let client = clients.get(region);
    if (!client) {
      client = new DirectConnectClient({
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
      if (options.traced) client.middlewareStack.add(recordOnSpan, { step: 'initialize', name: 'dxgraphRecordOnSpan' });
      clients.set(region, client);
    }
    return client;
  };
  return Object.assign(clientFor, {
    destroyAll() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  });
}
