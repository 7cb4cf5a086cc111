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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
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
      const given = typeof issue.path[0] === 'string' ? input[issue.path[0]] : undefined;
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
  };
}
