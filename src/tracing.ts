// OpenTelemetry's SDK (docs/contract.md, "Tracing"), loaded and started only when an
// OTLP endpoint is configured. It reads the standard OTEL_* variables itself: service
// name, sampler, OTLP protocol (http/protobuf, http/json, grpc), headers, propagators.

/** Whether the environment asks for traces: an OTLP endpoint for them is set, and the SDK is not disabled. */
export const tracingRequested = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';

/** Starts the SDK; resolves to its shutdown, which flushes what is still buffered. */
export async function startTracing(): Promise<() => Promise<void>> {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'dxgraph',
    // Only the gateway's own spans: no automatic instrumentation of every library.
    instrumentations: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
