import { z } from 'zod';

// Every setting the gateway reads, validated once at start-up. Names are pinned
// by DESIGN.md §3; a problem with any of them is reported together with the others.

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(fallback);

const positiveInt = (fallback: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, `must be between 1 and ${max}`)
    .max(max, `must be between 1 and ${max}`)
    .default(fallback);

const region = z.string().regex(REGION, 'must be an AWS Region name such as us-east-1');

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const envSchema = z
  .object({
    PORT: port(4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DX_BACKEND: z.enum(['emulator', 'aws'], { error: 'must be emulator or aws' }).default('emulator'),
    DX_ENDPOINT: z.url({ error: 'must be a URL such as https://directconnect.example.com' }).optional(),
    AWS_REGION: region.default('us-east-1'),
    DX_REGIONS: z
      .string()
      .transform((value) => value.split(',').map((r) => r.trim()).filter(Boolean))
      .pipe(z.array(region).min(1, 'must list at least one region'))
      .optional(),
    DX_EMULATOR_PORT: port(4566),
    DX_EMULATOR_SEED: z.enum(['demo', 'large'], { error: 'must be demo or large' }).default('demo'),
    DX_EMULATOR_LATENCY_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(60_000).default(0),
    DX_EMULATOR_TRANSITION_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(3_600_000).default(5000),
    DX_TIMEOUT_MS: positiveInt(10_000, 300_000),
    DX_MAX_ATTEMPTS: positiveInt(3, 10),
    GRAPHQL_INTROSPECTION: booleanFlag.optional(),
    NODE_ENV: z.string().default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be a pino level such as info' }).default('info'),
    AUTH_MODE: z.enum(['none', 'jwt', 'apikey'], { error: 'must be none, jwt or apikey' }).optional(),
    JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JWKS document' }).optional(),
    JWT_PUBLIC_KEY_FILE: z.string().optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    JWT_ROLES_CLAIM: z.string().regex(/^[\w:/-]+(\.[\w:/-]+)*$/, 'must be a claim name or a dotted path such as realm_access.roles').default('roles'),
    JWT_JWKS_COOLDOWN_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(3_600_000).default(30_000),
    API_KEYS_FILE: z.string().optional(),
    AUDIT_LOG_FILE: z.string().optional(),
    CORS_ORIGINS: z
      .string()
      .transform((value) => value.split(',').map((o) => o.trim()).filter(Boolean))
      .pipe(z.array(z.url({ error: 'must list origins such as https://console.example.com' })))
      .optional(),
    BODY_LIMIT_BYTES: positiveInt(102_400, 10_485_760),
    DX_CACHE_TTL_MS: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must be 0 (off) or more').max(3_600_000).default(3000),
    DX_CACHE_MAX_BYTES: positiveInt(64 * 1024 * 1024, 4 * 1024 * 1024 * 1024),
    DX_BATCHING: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    GRAPHQL_EXECUTOR: z.enum(['jit', 'graphql-js'], { error: 'must be jit or graphql-js' }).default('jit'),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
    SHUTDOWN_DELAY_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(120_000).default(0),
  });

type Env = z.infer<typeof envSchema>;

/**
 * Rules that span variables. They run even when other variables are invalid, so
 * every problem is reported at once, and each reads only variables that parsed.
 */
function crossProblems(input: Record<string, string | undefined>): string[] {
  const field = <K extends keyof Env>(name: K): Env[K] | undefined => {
    const parsed = envSchema.shape[name].safeParse(input[name]);
    return parsed.success ? (parsed.data as Env[K]) : undefined;
  };
  const problems: string[] = [];
  if (input.DX_ENDPOINT !== undefined && field('DX_BACKEND') === 'emulator') {
    problems.push('DX_ENDPOINT: is only used with DX_BACKEND=aws');
  }
  const regions = field('DX_REGIONS');
  const defaultRegion = field('AWS_REGION');
  if (regions && defaultRegion && !regions.includes(defaultRegion)) {
    problems.push(`AWS_REGION: ${defaultRegion} is the default region, so it must be one of DX_REGIONS (${regions.join(', ')})`);
  }
  const backend = field('DX_BACKEND');
  const authMode = field('AUTH_MODE');
  if (backend === 'aws' && input.AUTH_MODE === undefined) {
    problems.push('AUTH_MODE: must be set with DX_BACKEND=aws (jwt, apikey, or none to run without authentication)');
  }
  if (authMode === 'jwt') {
    if ((input.JWT_JWKS_URL === undefined) === (input.JWT_PUBLIC_KEY_FILE === undefined)) {
      problems.push('JWT_JWKS_URL: with AUTH_MODE=jwt set exactly one of JWT_JWKS_URL and JWT_PUBLIC_KEY_FILE');
    }
    if (input.JWT_ISSUER === undefined) problems.push('JWT_ISSUER: must be set with AUTH_MODE=jwt');
    if (input.JWT_AUDIENCE === undefined) problems.push('JWT_AUDIENCE: must be set with AUTH_MODE=jwt');
  }
  if (authMode === 'apikey' && input.API_KEYS_FILE === undefined) {
    problems.push('API_KEYS_FILE: must be set with AUTH_MODE=apikey');
  }
  return problems;
}

export interface Config {
  port: number;
  host: string;
  backend: 'emulator' | 'aws';
  /** A custom Direct Connect endpoint (aws backend only). */
  endpoint?: string;
  defaultRegion: string;
  /** Regions the gateway serves; undefined means "whatever the embedded emulator seeds". */
  regions?: string[];
  emulator: { port: number; seed: 'demo' | 'large'; latencyMs: number; transitionMs: number };
  aws: { timeoutMs: number; maxAttempts: number };
  /** Introspection and the Sandbox landing page: on with the emulator, off with aws, unless set. */
  introspection: boolean;
  production: boolean;
  logLevel: string;
  auth:
    | { mode: 'none' }
    | { mode: 'jwt'; jwksUrl?: string; publicKeyFile?: string; issuer: string; audience: string; rolesClaim: string; jwksCooldownMs: number }
    | { mode: 'apikey'; keysFile: string };
  /** Append-only JSON-lines file of mutation attempts, beside the log. */
  auditLogFile?: string;
  /** Browser origins allowed to call the gateway (CORS). */
  corsOrigins: Array<string | RegExp>;
  bodyLimitBytes: number;
  /** On SIGTERM, how long /readyz says 503 while the gateway still serves, before draining. */
  shutdownDelayMs: number;
  /** Cross-request cache of Describe results: TTL (0 = off, no coalescing either) and memory bound. */
  cache: { ttlMs: number; maxBytes: number; redisUrl?: string };
  /** DataLoader batching and per-request caching; off only to measure what a naive gateway costs. */
  batching: boolean;
  /** Who executes operations: graphql-jit (compiled) or graphql-js. */
  executor: 'jit' | 'graphql-js';
}

/** Where Apollo's Sandbox runs in a browser: the hosted one and the one the landing page embeds. */
export const SANDBOX_ORIGINS = ['https://studio.apollographql.com', 'https://sandbox.embed.apollographql.com'];
/** Any port on this machine: local frontends under development. */
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function authSettings(e: Env): Config['auth'] {
  const mode = e.AUTH_MODE ?? 'none';
  if (mode === 'jwt') {
    return {
      mode,
      jwksUrl: e.JWT_JWKS_URL,
      publicKeyFile: e.JWT_PUBLIC_KEY_FILE,
      issuer: e.JWT_ISSUER!,
      audience: e.JWT_AUDIENCE!,
      rolesClaim: e.JWT_ROLES_CLAIM,
      jwksCooldownMs: e.JWT_JWKS_COOLDOWN_MS,
    };
  }
  if (mode === 'apikey') return { mode, keysFile: e.API_KEYS_FILE! };
  return { mode: 'none' };
}

/** Parses the environment; throws a ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const input = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(input);
  const problems = [
    ...(parsed.error?.issues ?? []).map((issue) => {
      const name = issue.path.join('.') || 'environment';
      const variable = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
      // A URL may carry a password (redis://:secret@host): never echo one.
      const given = variable && !/URL|ENDPOINT|KEY|SECRET|TOKEN|PASSWORD/.test(variable) ? input[variable] : undefined;
      return `${name}: ${issue.message}${given === undefined ? '' : ` (got "${given}")`}`;
    }),
    ...crossProblems(input),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const regions = e.DX_REGIONS ?? (e.DX_BACKEND === 'aws' ? [e.AWS_REGION] : undefined);
  return {
    port: e.PORT,
    host: e.HOST,
    backend: e.DX_BACKEND,
    endpoint: e.DX_ENDPOINT,
    defaultRegion: e.AWS_REGION,
    regions,
    emulator: {
      port: e.DX_EMULATOR_PORT,
      seed: e.DX_EMULATOR_SEED,
      latencyMs: e.DX_EMULATOR_LATENCY_MS,
      transitionMs: e.DX_EMULATOR_TRANSITION_MS,
    },
    aws: { timeoutMs: e.DX_TIMEOUT_MS, maxAttempts: e.DX_MAX_ATTEMPTS },
    introspection: e.GRAPHQL_INTROSPECTION ?? e.DX_BACKEND === 'emulator',
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    auth: authSettings(e),
    auditLogFile: e.AUDIT_LOG_FILE,
    // Developer defaults follow the backend, like introspection: a gateway over real AWS
    // allows no browser origin until CORS_ORIGINS names one.
    corsOrigins: e.CORS_ORIGINS ?? (e.DX_BACKEND === 'emulator' ? [LOCAL_ORIGIN, ...SANDBOX_ORIGINS] : []),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    cache: { ttlMs: e.DX_CACHE_TTL_MS, maxBytes: e.DX_CACHE_MAX_BYTES, redisUrl: e.REDIS_URL },
    batching: e.DX_BATCHING === 'on',
    executor: e.GRAPHQL_EXECUTOR,
  };
}
