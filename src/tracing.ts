import { spansFromNowOn } from './telemetry.js';

// OpenTelemetry's SDK (docs/contract.md, "Tracing"), loaded and started only when an
// OTLP endpoint is configured. It reads the standard OTEL_* variables itself: service
// name, sampler, OTLP protocol (http/protobuf, http/json, grpc), headers, propagators.

/** Whether the environment asks for traces: an OTLP endpoint for them is set, and the SDK is not disabled. */
export const tracingRequested = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';

/** Starts the SDK; resolves to its shutdown, which flushes what is still buffered. */
export async function startTracing(): Promise<() => Promise<void>> {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  // A default name only: OTEL_SERVICE_NAME or service.name in OTEL_RESOURCE_ATTRIBUTES win.
  const named = process.env.OTEL_SERVICE_NAME || /(^|,)\s*service\.name=/.test(process.env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const sdk = new NodeSDK({
    ...(named ? {} : { serviceName: 'dxgraph' }),
    // Only the gateway's own spans: no automatic instrumentation of every library;
    // traces only (metrics stay on /metrics, logs on stdout).
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  spansFromNowOn();
  return () => sdk.shutdown();
}
