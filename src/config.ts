import { z } from 'zod';
import { tracingRequested } from './tracing.js';
import { seedRegions } from './emulator/seedRegions.js';
import { IMPACT_WARNING_CODES } from './changes/models.js';
import { DEFAULT_PLAN_REQUIRED_FOR } from './changes/planPolicy.js';

// Every setting the gateway reads, validated once at start-up; the names are part of
// the contract (docs/contract.md, "Configuration"). One zod schema says everything:
// settings every mode has, then one union per choice that brings settings of its own
// (DX_BACKEND, AUTH_MODE), so a requirement such as "JWT_ISSUER with AUTH_MODE=jwt"
// is a type, not a check followed by `!`. Every problem is reported at once.

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

const millis = (fallback: number, max: number) => z.coerce.number({ error: 'must be a number' }).int().min(0).max(max).default(fallback);

const region = z.string().regex(REGION, 'must be an AWS Region name such as us-east-1');

const commaList = <T extends z.ZodType<string, string>>(item: T, atLeastOne?: string) =>
  z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(atLeastOne ? z.array(item).min(1, atLeastOne) : z.array(item));

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

/**
 * Every variable's own format, checked whatever mode is chosen (a bad value is
 * reported even where it would go unused). The unions below add only requirements.
 */
const common = z.object({
  PORT: port(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  AWS_REGION: region.default('us-east-1'),
  DX_REGIONS: commaList(region, 'must list at least one region').optional(),
  DX_EMULATOR_PORT: port(4566),
  DX_EMULATOR_SEED: z.enum(['demo', 'large'], { error: 'must be demo or large' }).default('demo'),
  DX_EMULATOR_LATENCY_MS: millis(0, 60_000),
  DX_EMULATOR_TRANSITION_MS: millis(5000, 3_600_000),
  DX_TIMEOUT_MS: positiveInt(10_000, 300_000),
  DX_MAX_ATTEMPTS: positiveInt(3, 10),
  GRAPHQL_INTROSPECTION: booleanFlag.optional(),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be a pino level such as info' }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  DX_ENDPOINT: z.url({ error: 'must be a URL such as https://directconnect.example.com' }).optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JWKS document' }).optional(),
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_ROLES_CLAIM: z
    .string()
    .regex(/^[\w:/-]+(\.[\w:/-]+)*$/, 'must be a claim name or a dotted path such as realm_access.roles')
    .default('roles'),
  JWT_JWKS_COOLDOWN_MS: millis(30_000, 3_600_000),
  API_KEYS_FILE: z.string().optional(),
  AUDIT_LOG_FILE: z.string().optional(),
  AUDIT_SINK: z.enum(['log', 'file', 'database'], { error: 'must be log, file or database' }).optional(),
  // Never echoed (it may hold a password): describeIssue keeps quiet about any *_URL.
  AUDIT_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  CORS_ORIGINS: commaList(z.url({ error: 'must list origins such as https://console.example.com' })).optional(),
  BODY_LIMIT_BYTES: positiveInt(102_400, 10_485_760),
  DX_CACHE_TTL_MS: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must be 0 (off) or more').max(3_600_000).default(3000),
  DX_CACHE_MAX_BYTES: positiveInt(64 * 1024 * 1024, 4 * 1024 * 1024 * 1024),
  DX_RESPONSE_CACHE_MAX_BYTES: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(4 * 1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  DX_BATCHING: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  GRAPHQL_EXECUTOR: z.enum(['jit', 'graphql-js'], { error: 'must be jit or graphql-js' }).default('jit'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
  PLAN_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  SHUTDOWN_DELAY_MS: millis(0, 120_000),
  // Below a second the watcher would ask AWS for a region's listings faster than its
  // Describe calls' own rate limits allow for long.
  DX_WATCH_INTERVAL_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000, 'must be at least 1000').max(3_600_000).default(5000),
  DX_PLAN_REQUIRED_FOR: commaList(
    z.enum([...IMPACT_WARNING_CODES, ...DEFAULT_PLAN_REQUIRED_FOR], {
      error: `must list impact warning codes (${[...new Set([...IMPACT_WARNING_CODES, ...DEFAULT_PLAN_REQUIRED_FOR])].join(', ')}), or be empty to turn the rule off`,
    }),
  ).optional(),
});

const backend = z.discriminatedUnion(
  'DX_BACKEND',
  [
    z.object({
      DX_BACKEND: z.literal('emulator').default('emulator'),
      DX_ENDPOINT: z.undefined({ error: 'is only used with DX_BACKEND=aws' }).optional(),
    }),
    z.object({
      DX_BACKEND: z.literal('aws'),
      // Real links: no default. AUTH_MODE's own union below checks the value.
      AUTH_MODE: z.string({ error: 'must be set with DX_BACKEND=aws (jwt, apikey, or none to run without authentication)' }),
    }),
  ],
  { error: 'must be emulator or aws' },
);

const auth = z.discriminatedUnion(
  'AUTH_MODE',
  [
    // Unset means none, which only the emulator allows (see DX_BACKEND above).
    z.object({ AUTH_MODE: z.literal('none').optional() }),
    z
      .object({
        AUTH_MODE: z.literal('jwt'),
        JWT_ISSUER: z.string({ error: 'must be set with AUTH_MODE=jwt' }),
        JWT_AUDIENCE: z.string({ error: 'must be set with AUTH_MODE=jwt' }),
        // Their formats are checked above; here only which of them is set.
        JWT_JWKS_URL: z.string().optional(),
        JWT_PUBLIC_KEY_FILE: z.string().optional(),
      })
      .refine((e) => (e.JWT_JWKS_URL === undefined) !== (e.JWT_PUBLIC_KEY_FILE === undefined), {
        path: ['JWT_JWKS_URL'],
        message: 'with AUTH_MODE=jwt set exactly one of JWT_JWKS_URL and JWT_PUBLIC_KEY_FILE',
        when: () => true,
      }),
    z.object({ AUTH_MODE: z.literal('apikey'), API_KEYS_FILE: z.string({ error: 'must be set with AUTH_MODE=apikey' }) }),
  ],
  { error: 'must be none, jwt or apikey' },
);

/** The regions served when DX_REGIONS is unset: the emulator's seeded ones, or AWS_REGION alone. */
function defaultRegions(env: { DX_BACKEND: 'emulator' | 'aws'; DX_EMULATOR_SEED: 'demo' | 'large'; AWS_REGION: string }): string[] {
  return env.DX_BACKEND === 'emulator' ? seedRegions(env.DX_EMULATOR_SEED) : [env.AWS_REGION];
}

/**
 * The default region must be one the gateway serves. It spans variables, so it is
 * judged apart from the schema, on each variable that parsed by itself: reported
 * beside every other problem, and never guessed from a value that is wrong anyway.
 */
function defaultRegionProblem(input: Record<string, string>): string | undefined {
  const parsed = <T>(schema: z.ZodType<T>, name: string): T | undefined => {
    const result = schema.safeParse(input[name]);
    return result.success ? result.data : undefined;
  };
  const defaultRegion = parsed(common.shape.AWS_REGION, 'AWS_REGION');
  const listed = parsed(common.shape.DX_REGIONS, 'DX_REGIONS');
  if (defaultRegion === undefined) return undefined;
  if (listed !== undefined) {
    if (listed.includes(defaultRegion)) return undefined;
    return `AWS_REGION: ${defaultRegion} is the default region, so it must be one of DX_REGIONS (${listed.join(', ')})`;
  }
  // Unset DX_REGIONS: the aws backend serves AWS_REGION itself; the emulator, its seed's regions.
  if (input.DX_REGIONS !== undefined || (input.DX_BACKEND ?? 'emulator') !== 'emulator') return undefined;
  const seed = parsed(common.shape.DX_EMULATOR_SEED, 'DX_EMULATOR_SEED');
  if (seed === undefined) return undefined;
  const served = seedRegions(seed);
  if (served.includes(defaultRegion)) return undefined;
  return `AWS_REGION: ${defaultRegion} is the default region, so it must be one the gateway serves (the emulator's ${seed} seed: ${served.join(', ')})`;
}

type AuditSink = 'log' | 'file' | 'database';

/** The sink when AUDIT_SINK is unset: the one whose setting is there, else the log. */
const defaultAuditSink = (input: Record<string, string>): AuditSink =>
  input.AUDIT_DATABASE_URL !== undefined ? 'database' : input.AUDIT_LOG_FILE !== undefined ? 'file' : 'log';

/**
 * One audit trail, and a durable one against real AWS unless the log is accepted out
 * loud. Like the default region, judged apart from the schema on what is set: a value
 * whose format is wrong is reported by the schema and still counts as set here.
 */
function auditSinkProblems(input: Record<string, string>): string[] {
  const file = input.AUDIT_LOG_FILE !== undefined;
  const database = input.AUDIT_DATABASE_URL !== undefined;
  const chosen = common.shape.AUDIT_SINK.safeParse(input.AUDIT_SINK);
  // A value AUDIT_SINK does not know is the schema's to report; nothing to judge it by here.
  if (!chosen.success) return [];
  const sink = chosen.data;
  const problems: string[] = [];
  if (file && database) {
    problems.push(
      'AUDIT_LOG_FILE and AUDIT_DATABASE_URL: both are set, but the gateway keeps one audit trail: keep one (AUDIT_LOG_FILE for a single replica, AUDIT_DATABASE_URL for a fleet)',
    );
  }
  if (sink === 'file' && !file) problems.push('AUDIT_LOG_FILE: must be set with AUDIT_SINK=file');
  if (sink === 'database' && !database) problems.push('AUDIT_DATABASE_URL: must be set with AUDIT_SINK=database');
  if (sink === 'log') {
    for (const name of ['AUDIT_LOG_FILE', 'AUDIT_DATABASE_URL'] as const) {
      if (input[name] !== undefined) problems.push(`${name}: is not used with AUDIT_SINK=log (the log is then the only record): unset one of them`);
    }
  }
  if (sink === undefined && !file && !database && input.DX_BACKEND === 'aws') {
    problems.push(
      'AUDIT_SINK: with DX_BACKEND=aws the audit trail needs a durable sink: set AUDIT_LOG_FILE (one replica) or AUDIT_DATABASE_URL (a fleet of replicas), ' +
        'or set AUDIT_SINK=log to accept the log as the only record of changes to live links',
    );
  }
  return problems;
}

const envSchema = common.and(backend).and(auth);

type Env = z.infer<typeof envSchema>;

export type AuthSettings =
  | { mode: 'none' }
  | { mode: 'jwt'; jwksUrl?: string; publicKeyFile?: string; issuer: string; audience: string; rolesClaim: string; jwksCooldownMs: number }
  | { mode: 'apikey'; keysFile: string };

export interface Config {
  port: number;
  host: string;
  backend: 'emulator' | 'aws';
  /** A custom Direct Connect endpoint (aws backend only). */
  endpoint?: string;
  defaultRegion: string;
  /** The regions the gateway serves; AWS_REGION is always one of them. */
  regions: string[];
  emulator: { port: number; seed: 'demo' | 'large'; latencyMs: number; transitionMs: number };
  aws: { timeoutMs: number; maxAttempts: number };
  /** Introspection and the Sandbox landing page: on with the emulator, off with aws, unless set. */
  introspection: boolean;
  production: boolean;
  logLevel: string;
  /** JSON lines, or lines for a person; unset: pretty on a terminal, JSON otherwise (main.ts decides). */
  logFormat?: 'json' | 'pretty';
  auth: AuthSettings;
  /**
   * Where audit records are kept (AUDIT_SINK): the log alone, AUDIT_LOG_FILE, or the
   * database at AUDIT_DATABASE_URL. Unset: the one whose setting is there, else the log
   * (with DX_BACKEND=aws only when AUDIT_SINK=log says so).
   */
  auditSink: AuditSink;
  /** Append-only JSON-lines file of mutation attempts, beside the log (AUDIT_SINK=file). */
  auditLogFile?: string;
  /** The PostgreSQL database of the audit trail (AUDIT_SINK=database); may hold a password. */
  auditDatabaseUrl?: string;
  /** Browser origins allowed to call the gateway (CORS). */
  corsOrigins: Array<string | RegExp>;
  bodyLimitBytes: number;
  /** On SIGTERM, how long /readyz says 503 while the gateway still serves, before draining. */
  shutdownDelayMs: number;
  /** Cross-request cache of Describe results: TTL (0 = off, no coalescing either) and memory bound. */
  cache: { ttlMs: number; maxBytes: number; redisUrl?: string };
  /** Memory bound of the response cache of queries; 0 = off, as it is whenever the read cache is (TTL 0). */
  responseCacheMaxBytes: number;
  /** OpenTelemetry tracing: on when an OTLP endpoint is set (the SDK reads the OTEL_* variables itself). */
  tracing: boolean;
  /** The only documents that run (GraphQL Code Generator's persisted-documents.json); unset: any document. */
  trustedDocumentsFile?: string;
  /** Signs dry runs' plan tokens; replicas that share it check each other's plans. Unset: random per process. */
  planTokenSecret?: string;
  /** DataLoader batching and per-request caching; off only to measure what a naive gateway costs. */
  batching: boolean;
  /** Who executes operations: graphql-jit (compiled) or graphql-js. */
  executor: 'jit' | 'graphql-js';
  /** Warning codes a real change may carry only with a dry run's plan (DX_PLAN_REQUIRED_FOR); empty: the rule is off. */
  planRequiredFor: string[];
  /** How often a watched region's state is read from AWS for subscriptions (DX_WATCH_INTERVAL_MS). */
  watchIntervalMs: number;
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

function authSettings(e: Env): AuthSettings {
  switch (e.AUTH_MODE) {
    case 'jwt':
      return {
        mode: 'jwt',
        jwksUrl: e.JWT_JWKS_URL,
        publicKeyFile: e.JWT_PUBLIC_KEY_FILE,
        issuer: e.JWT_ISSUER,
        audience: e.JWT_AUDIENCE,
        rolesClaim: e.JWT_ROLES_CLAIM,
        jwksCooldownMs: e.JWT_JWKS_COOLDOWN_MS,
      };
    case 'apikey':
      return { mode: 'apikey', keysFile: e.API_KEYS_FILE };
    default:
      return { mode: 'none' };
  }
}

/** A problem as an operator reads it: the variable, what is wrong, and the value unless it may hold a secret. */
function describeIssue(issue: z.core.$ZodIssue, input: Record<string, string>): string {
  const name = issue.path.join('.') || 'environment';
  const variable = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
  // A URL may carry a password (redis://:secret@host): never echo one.
  const given = variable && !/URL|ENDPOINT|KEY|SECRET|TOKEN|PASSWORD/.test(variable) ? input[variable] : undefined;
  return `${name}: ${issue.message}${given === undefined ? '' : ` (got "${given}")`}`;
}

/** The variables that are set; an empty one means "not set", as in most shells' `VAR= cmd`. */
const setVariables = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));

const emulatorSchema = common.pick({ DX_EMULATOR_PORT: true, DX_EMULATOR_SEED: true, DX_EMULATOR_LATENCY_MS: true, DX_EMULATOR_TRANSITION_MS: true });

const emulatorSettings = (e: z.infer<typeof emulatorSchema>): Config['emulator'] => ({
  port: e.DX_EMULATOR_PORT,
  seed: e.DX_EMULATOR_SEED,
  latencyMs: e.DX_EMULATOR_LATENCY_MS,
  transitionMs: e.DX_EMULATOR_TRANSITION_MS,
});

/** What `npm run emulator` reads: the DX_EMULATOR_* settings alone, none of the gateway's. */
export function loadEmulatorSettings(env: NodeJS.ProcessEnv = process.env): Config['emulator'] {
  const input = setVariables(env);
  const parsed = emulatorSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, input)));
  return emulatorSettings(parsed.data);
}

/** Parses the environment; throws a ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = setVariables(env);
  const parsed = envSchema.safeParse(input);
  const regionProblem = defaultRegionProblem(input);
  const problems = [
    ...(parsed.error?.issues ?? []).map((issue) => describeIssue(issue, input)),
    ...(regionProblem ? [regionProblem] : []),
    ...auditSinkProblems(input),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    backend: e.DX_BACKEND,
    endpoint: e.DX_ENDPOINT,
    defaultRegion: e.AWS_REGION,
    regions: e.DX_REGIONS ?? defaultRegions(e),
    emulator: emulatorSettings(e),
    aws: { timeoutMs: e.DX_TIMEOUT_MS, maxAttempts: e.DX_MAX_ATTEMPTS },
    introspection: e.GRAPHQL_INTROSPECTION ?? e.DX_BACKEND === 'emulator',
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    auth: authSettings(e),
    auditSink: e.AUDIT_SINK ?? defaultAuditSink(input),
    auditLogFile: e.AUDIT_LOG_FILE,
    auditDatabaseUrl: e.AUDIT_DATABASE_URL,
    // Developer defaults follow the backend, like introspection: a gateway over real AWS
    // allows no browser origin until CORS_ORIGINS names one.
    corsOrigins: e.CORS_ORIGINS ?? (e.DX_BACKEND === 'emulator' ? [LOCAL_ORIGIN, ...SANDBOX_ORIGINS] : []),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    cache: { ttlMs: e.DX_CACHE_TTL_MS, maxBytes: e.DX_CACHE_MAX_BYTES, redisUrl: e.REDIS_URL },
    // Its answers are only as fresh as the reads they were built from: nothing to cache without them.
    responseCacheMaxBytes: e.DX_CACHE_TTL_MS === 0 ? 0 : e.DX_RESPONSE_CACHE_MAX_BYTES,
    planTokenSecret: e.PLAN_TOKEN_SECRET,
    trustedDocumentsFile: e.TRUSTED_DOCUMENTS_FILE,
    tracing: tracingRequested(env),
    batching: e.DX_BATCHING === 'on',
    executor: e.GRAPHQL_EXECUTOR,
    // Set but empty turns the rule off (every other variable reads empty as unset).
    planRequiredFor: env.DX_PLAN_REQUIRED_FOR === '' ? [] : (e.DX_PLAN_REQUIRED_FOR ?? [...DEFAULT_PLAN_REQUIRED_FOR]),
    watchIntervalMs: e.DX_WATCH_INTERVAL_MS,
  };
}
