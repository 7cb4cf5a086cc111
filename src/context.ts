import type { Logger } from 'pino';
import type { DirectConnectService } from './directconnect/service.js';
import type { ServedRegions } from './directconnect/input.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** What every resolver receives; built fresh for each GraphQL request. */
export interface GatewayContext {
  directConnect: DirectConnectService;
  /** Per-request DataLoaders: nothing is cached across requests. */
  loaders: Loaders;
  regions: ServedRegions;
  logger: Logger;
}

export interface ContextDeps {
  directConnect: DirectConnectService;
  regions: ServedRegions;
  logger: Logger;
}

export function createContextFactory(deps: ContextDeps): () => Promise<GatewayContext> {
  return async () => ({
    directConnect: deps.directConnect,
    loaders: createLoaders(deps.directConnect),
    regions: deps.regions,
    logger: deps.logger,
  });
}
