import { DirectConnectClient } from '@aws-sdk/client-direct-connect';

export interface ClientOptions {
  /** A custom endpoint (the emulator, a proxy); undefined means AWS's own. */
  endpoint?: string;
  /** Fixed credentials for the emulator; undefined means the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  timeoutMs: number;
  maxAttempts: number;
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
