// The configurations a run can measure, by kind: the working tree's gateway with
// some of its switches, peers serving the same schema from memory, and the
// gateway as built from a git commit.

/** The working tree's dist/main.js, with these environment variables on top of shipped's. */
export const GATEWAY_VARIANTS = {
  shipped: {},
  'shipped-graphql-js': { GRAPHQL_EXECUTOR: 'graphql-js' },
  'loaders-only': { DX_CACHE_TTL_MS: '0' },
  naive: { DX_CACHE_TTL_MS: '0', DX_BATCHING: 'off' },
} satisfies Record<string, Record<string, string>>;

/** Other GraphQL servers on the same in-memory data, each one file under bench/peers/. */
export const PEERS = {
  reference: 'bench/peers/reference.ts',
  'apollo-standalone': 'bench/peers/apolloStandalone.ts',
  'mercurius-jit': 'bench/peers/mercuriusJit.ts',
} satisfies Record<string, string>;

export type GatewayVariant = keyof typeof GATEWAY_VARIANTS;
export type Peer = keyof typeof PEERS;
export type RefConfig = `ref:${string}`;
export type ConfigName = GatewayVariant | Peer | RefConfig;

export const DEFAULT_CONFIGS: ConfigName[] = ['shipped', 'naive', 'reference', 'apollo-standalone', 'mercurius-jit'];
export const NAMED_CONFIGS = [...Object.keys(GATEWAY_VARIANTS), ...Object.keys(PEERS)] as Array<GatewayVariant | Peer>;

export const isGatewayVariant = (config: string): config is GatewayVariant => Object.hasOwn(GATEWAY_VARIANTS, config);
export const isPeer = (config: string): config is Peer => Object.hasOwn(PEERS, config);
export const isRef = (config: string): config is RefConfig => config.startsWith('ref:');

/** What gets compared with the peers and reported as "the gateway": shipped and every ref. */
export const isGateway = (config: ConfigName): boolean => config === 'shipped' || isRef(config);
