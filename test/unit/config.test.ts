import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadEmulatorSettings } from '../../src/config.js';
import { seedRegions } from '../../src/emulator/seedRegions.js';

/** The aws backend needs AUTH_MODE and an audit sink; these tests are about other settings. */
const AWS_BACKEND = {
  DX_BACKEND: 'aws',
  AUTH_MODE: 'jwt',
  JWT_JWKS_URL: 'https://idp.example/jwks',
  JWT_ISSUER: 'https://idp.example',
  JWT_AUDIENCE: 'dxgraph',
  AUDIT_SINK: 'log',
};

// src/config.ts: pinned names and defaults (docs/contract.md, "Configuration"), every
// problem reported at once.

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('serves on 127.0.0.1:4000', () => {
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
  });

  it('uses the embedded emulator with demo data on port 4566', () => {
    expect(config.backend).toBe('emulator');
    expect(config.emulator.port).toBe(4566);
    expect(config.emulator.seed).toBe('demo');
  });

  it("defaults the region to us-east-1 and serves the emulator's seeded regions", () => {
    expect(config.defaultRegion).toBe('us-east-1');
    expect(config.regions).toEqual(seedRegions('demo'));
    expect(loadConfig({ DX_EMULATOR_SEED: 'large' }).regions).toEqual(seedRegions('large'));
  });

  it('has no custom endpoint', () => {
    expect(config.endpoint).toBeUndefined();
  });

  it('turns introspection on with the emulator', () => {
    expect(config.introspection).toBe(true);
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.PORT;
    process.env.PORT = '5999';
    try {
      expect(loadConfig({}).port).toBe(4000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

describe('loadConfig with the aws backend', () => {
  it('turns introspection off by default', () => {
    expect(loadConfig({ ...AWS_BACKEND }).introspection).toBe(false);
  });

  it('serves only the default region unless DX_REGIONS says otherwise', () => {
    expect(loadConfig({ ...AWS_BACKEND }).regions).toEqual(['us-east-1']);
    expect(loadConfig({ ...AWS_BACKEND, AWS_REGION: 'eu-west-1' }).regions).toEqual(['eu-west-1']);
  });

  it('accepts a custom endpoint', () => {
    expect(loadConfig({ ...AWS_BACKEND, DX_ENDPOINT: 'http://127.0.0.1:4566' }).endpoint).toBe('http://127.0.0.1:4566');
  });
});

describe('GRAPHQL_INTROSPECTION', () => {
  it.each([
    ['aws', 'true', true],
    ['aws', '1', true],
    ['emulator', 'false', false],
    ['emulator', '0', false],
    ['emulator', 'true', true],
    ['aws', 'false', false],
  ])('with DX_BACKEND=%s and GRAPHQL_INTROSPECTION=%s is %s', (backend, flag, expected) => {
    const base = backend === 'aws' ? AWS_BACKEND : { DX_BACKEND: backend };
    expect(loadConfig({ ...base, GRAPHQL_INTROSPECTION: flag }).introspection).toBe(expected);
  });

  it('rejects a value that is not a boolean', () => {
    const problems = problemsOf({ GRAPHQL_INTROSPECTION: 'yes' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^GRAPHQL_INTROSPECTION: /);
    expect(problems[0]).toContain('"yes"');
  });
});

describe('settings', () => {
  it('reads every pinned variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DX_BACKEND: 'emulator',
      AWS_REGION: 'eu-west-1',
      DX_REGIONS: 'eu-west-1,us-west-2',
      DX_EMULATOR_PORT: '4567',
      DX_EMULATOR_SEED: 'large',
      DX_EMULATOR_LATENCY_MS: '25',
      DX_EMULATOR_TRANSITION_MS: '100',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      backend: 'emulator',
      defaultRegion: 'eu-west-1',
      regions: ['eu-west-1', 'us-west-2'],
      emulator: { port: 4567, seed: 'large', latencyMs: 25, transitionMs: 100 },
      production: true,
    });
  });

  it('is not in production mode unless NODE_ENV=production', () => {
    expect(loadConfig({}).production).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).production).toBe(false);
  });
});

describe('DX_REGIONS', () => {
  it('splits on commas and trims spaces and empty entries', () => {
    expect(loadConfig({ DX_REGIONS: ' us-east-1 , eu-west-1,,' }).regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('requires AWS_REGION to be among them', () => {
    const problems = problemsOf({ AWS_REGION: 'us-east-1', DX_REGIONS: 'eu-west-1,us-west-2' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AWS_REGION: /);
    expect(problems[0]).toContain('DX_REGIONS');
    expect(problems[0]).toContain('eu-west-1, us-west-2');
  });

  it("requires AWS_REGION to be among the emulator's seeded regions when DX_REGIONS is unset", () => {
    const problems = problemsOf({ AWS_REGION: 'ap-south-1' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AWS_REGION: ap-south-1 .*demo seed: us-east-1, eu-west-1/);
    expect(loadConfig({ AWS_REGION: 'eu-west-1' }).regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('reports the region rule together with a bad value elsewhere', () => {
    const problems = problemsOf({ AWS_REGION: 'ap-south-1', PORT: 'abc' });
    expect(problems.some((p) => p.startsWith('PORT: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('AWS_REGION: '))).toBe(true);
  });

  it('requires the default AWS_REGION to be among them when AWS_REGION is unset', () => {
    expect(problemsOf({ DX_REGIONS: 'eu-west-1' })[0]).toMatch(/^AWS_REGION: .*us-east-1/);
  });

  it('rejects a name that is not a region', () => {
    const problems = problemsOf({ DX_REGIONS: 'us-east-1,mars' });
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems.every((p) => p.startsWith('DX_REGIONS'))).toBe(true);
  });

  it('rejects a list with no region in it', () => {
    const problems = problemsOf({ DX_REGIONS: ' , ' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DX_REGIONS: .*at least one region/);
  });
});

describe('validation', () => {
  it('reports every bad value together, each naming its variable', () => {
    const problems = problemsOf({ PORT: 'abc', DX_BACKEND: 'gcp', DX_EMULATOR_SEED: 'huge' });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT: '))).toContain('"abc"');
    expect(problems.find((p) => p.startsWith('DX_BACKEND: '))).toContain('"gcp"');
    expect(problems.find((p) => p.startsWith('DX_EMULATOR_SEED: '))).toContain('"huge"');
  });

  it('lists every problem in the error message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', DX_BACKEND: 'gcp', DX_EMULATOR_SEED: 'huge' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'DX_BACKEND', 'DX_EMULATOR_SEED']) expect(message).toContain(name);
    expect((error as ConfigError).name).toBe('ConfigError');
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DX_EMULATOR_PORT', 'x'],
    ['AWS_REGION', 'Virginia'],
    ['DX_ENDPOINT', 'not a url'],
    ['DX_TIMEOUT_MS', '0'],
    ['DX_MAX_ATTEMPTS', '11'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const env: NodeJS.ProcessEnv = { ...(name === 'DX_ENDPOINT' ? AWS_BACKEND : {}), [name]: value };
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('accepts the edges of the port range', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('treats an empty string as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      DX_BACKEND: '',
      AWS_REGION: '',
      DX_REGIONS: '',
      DX_ENDPOINT: '',
      DX_EMULATOR_SEED: '',
      GRAPHQL_INTROSPECTION: '',
    });
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      backend: 'emulator',
      defaultRegion: 'us-east-1',
      emulator: { seed: 'demo' },
      introspection: true,
    });
    expect(config.regions).toEqual(seedRegions('demo'));
    expect(config.endpoint).toBeUndefined();
  });

  it('allows DX_ENDPOINT only with DX_BACKEND=aws', () => {
    const problems = problemsOf({ DX_ENDPOINT: 'http://127.0.0.1:4566' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DX_ENDPOINT: .*DX_BACKEND=aws/);
  });

  it('never echoes a URL that may hold a password', () => {
    const problems = problemsOf({ REDIS_URL: 'redis+tls://:hunter2@redis.internal:6379' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^REDIS_URL: /);
    expect(problems[0]).not.toContain('hunter2');
  });

  it('reports a refinement together with a bad value elsewhere', () => {
    // DX_ENDPOINT with the emulator and a bad PORT: both must be reported in one go.
    const problems = problemsOf({ DX_ENDPOINT: 'http://127.0.0.1:4566', PORT: 'abc' });
    expect(problems.some((p) => p.startsWith('PORT: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('DX_ENDPOINT: '))).toBe(true);
  });
});

describe('formats checked whatever the mode', () => {
  it('rejects a bad JWT setting even without AUTH_MODE=jwt', () => {
    expect(problemsOf({ JWT_JWKS_COOLDOWN_MS: 'abc' })).toEqual([expect.stringMatching(/^JWT_JWKS_COOLDOWN_MS: /)]);
    const problems = problemsOf({ AUTH_MODE: 'apikey', API_KEYS_FILE: '/keys.json', JWT_JWKS_URL: 'ftp://idp.example/jwks' });
    expect(problems).toEqual([expect.stringMatching(/^JWT_JWKS_URL: .*http\(s\) URL/)]);
  });

  it('reports a bad DX_ENDPOINT beside a bad DX_BACKEND', () => {
    const problems = problemsOf({ DX_BACKEND: 'azure', DX_ENDPOINT: 'nope' });
    expect(problems.some((p) => p.startsWith('DX_BACKEND: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('DX_ENDPOINT: ') && p.includes('URL'))).toBe(true);
  });

  it('reports the region rule beside an unknown AUTH_MODE, in its own words', () => {
    const problems = problemsOf({ AWS_REGION: 'eu-west-1', DX_REGIONS: 'us-east-1', AUTH_MODE: 'oauth' });
    expect(problems.some((p) => p.startsWith('AUTH_MODE: '))).toBe(true);
    expect(problems).toContain('AWS_REGION: eu-west-1 is the default region, so it must be one of DX_REGIONS (us-east-1)');
  });
});

describe('loadEmulatorSettings', () => {
  it("reads the emulator's settings and nothing of the gateway's", () => {
    // An AWS_REGION exported in the shell, or a gateway setting, must not stop `npm run emulator`.
    expect(loadEmulatorSettings({ AWS_REGION: 'eu-central-1', DX_BACKEND: 'aws', DX_EMULATOR_SEED: 'large', DX_EMULATOR_PORT: '4570' })).toEqual({
      port: 4570,
      seed: 'large',
      latencyMs: 0,
      transitionMs: 5000,
    });
  });

  it('reports a bad emulator setting', () => {
    let error: unknown;
    try {
      loadEmulatorSettings({ DX_EMULATOR_SEED: 'huge' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^DX_EMULATOR_SEED: .*"huge"/)]);
  });
});

describe('DX_PLAN_REQUIRED_FOR', () => {
  it('defaults to the grave warnings of the contract', () => {
    expect(loadConfig({}).planRequiredFor).toEqual(['LAG_GOES_DOWN', 'CAPACITY_BELOW_PEAK', 'MAINTENANCE_ON_REMAINING_PATH', 'NO_ALTERNATE_PATH']);
  });

  it('takes a comma-separated list of warning codes', () => {
    expect(loadConfig({ DX_PLAN_REQUIRED_FOR: 'LAG_EMPTIED, MAINTENANCE_UNKNOWN' }).planRequiredFor).toEqual(['LAG_EMPTIED', 'MAINTENANCE_UNKNOWN']);
  });

  it('is turned off by an empty value, unlike other variables, where empty means unset', () => {
    expect(loadConfig({ DX_PLAN_REQUIRED_FOR: '' }).planRequiredFor).toEqual([]);
  });

  it('rejects a code no impact has, naming the ones it knows', () => {
    expect(() => loadConfig({ DX_PLAN_REQUIRED_FOR: 'LAG_GOES_DOWN,CAPACITY_LOW' })).toThrow(/DX_PLAN_REQUIRED_FOR\.1: must list impact warning codes \(.*CAPACITY_BELOW_PEAK.*\)/);
  });
});

describe('AUDIT_SINK, AUDIT_LOG_FILE and AUDIT_DATABASE_URL', () => {
  const DATABASE = 'postgres://audit:hunter2@db.internal:5432/dxgraph';
  const { AUDIT_SINK: _accepted, ...awsWithoutSink } = AWS_BACKEND;

  it.each([
    [{}, 'log'],
    [{ AUDIT_LOG_FILE: '/var/log/dxgraph/audit.jsonl' }, 'file'],
    [{ AUDIT_DATABASE_URL: DATABASE }, 'database'],
    [{ AUDIT_DATABASE_URL: 'postgresql://db.internal/dxgraph' }, 'database'],
  ])('with AUDIT_SINK unset follows what is set (%j: %s)', (env, sink) => {
    const config = loadConfig(env);
    expect(config.auditSink).toBe(sink);
    expect(config.auditLogFile).toBe((env as { AUDIT_LOG_FILE?: string }).AUDIT_LOG_FILE);
    expect(config.auditDatabaseUrl).toBe((env as { AUDIT_DATABASE_URL?: string }).AUDIT_DATABASE_URL);
  });

  it('takes AUDIT_SINK when its setting is there', () => {
    expect(loadConfig({ AUDIT_SINK: 'log' }).auditSink).toBe('log');
    expect(loadConfig({ AUDIT_SINK: 'file', AUDIT_LOG_FILE: '/audit.jsonl' })).toMatchObject({ auditSink: 'file', auditLogFile: '/audit.jsonl' });
    expect(loadConfig({ AUDIT_SINK: 'database', AUDIT_DATABASE_URL: DATABASE })).toMatchObject({ auditSink: 'database', auditDatabaseUrl: DATABASE });
  });

  it('keeps one trail: a file and a database together are refused, whatever AUDIT_SINK says', () => {
    for (const sink of [undefined, 'file', 'database']) {
      const problems = problemsOf({ AUDIT_SINK: sink, AUDIT_LOG_FILE: '/audit.jsonl', AUDIT_DATABASE_URL: DATABASE });
      expect(problems).toEqual([expect.stringMatching(/^AUDIT_LOG_FILE and AUDIT_DATABASE_URL: .*keep one/)]);
      expect(problems[0]).not.toContain('hunter2');
    }
  });

  it('needs the setting of the sink AUDIT_SINK names', () => {
    expect(problemsOf({ AUDIT_SINK: 'file' })).toEqual(['AUDIT_LOG_FILE: must be set with AUDIT_SINK=file']);
    expect(problemsOf({ AUDIT_SINK: 'database' })).toEqual(['AUDIT_DATABASE_URL: must be set with AUDIT_SINK=database']);
    // The other sink's setting is no stand-in.
    expect(problemsOf({ AUDIT_SINK: 'file', AUDIT_DATABASE_URL: DATABASE })).toEqual(['AUDIT_LOG_FILE: must be set with AUDIT_SINK=file']);
    expect(problemsOf({ AUDIT_SINK: 'database', AUDIT_LOG_FILE: '/audit.jsonl' })).toEqual(['AUDIT_DATABASE_URL: must be set with AUDIT_SINK=database']);
  });

  it('refuses AUDIT_SINK=log beside a durable sink it would leave unused', () => {
    expect(problemsOf({ AUDIT_SINK: 'log', AUDIT_LOG_FILE: '/audit.jsonl' })).toEqual([expect.stringMatching(/^AUDIT_LOG_FILE: is not used with AUDIT_SINK=log/)]);
    const problems = problemsOf({ AUDIT_SINK: 'log', AUDIT_DATABASE_URL: DATABASE });
    expect(problems).toEqual([expect.stringMatching(/^AUDIT_DATABASE_URL: is not used with AUDIT_SINK=log/)]);
    expect(problems[0]).not.toContain('hunter2');
  });

  it('rejects a sink it does not know, and nothing else about it', () => {
    expect(problemsOf({ AUDIT_SINK: 'syslog' })).toEqual(['AUDIT_SINK: must be log, file or database (got "syslog")']);
  });

  it('accepts only a postgres:// or postgresql:// URL, never echoing it', () => {
    for (const url of ['mysql://audit:hunter2@db.internal/dxgraph', 'https://audit:hunter2@db.internal/', 'not a url hunter2']) {
      const problems = problemsOf({ AUDIT_DATABASE_URL: url });
      expect(problems).toEqual(['AUDIT_DATABASE_URL: must be a postgres:// or postgresql:// URL']);
    }
  });

  describe('with DX_BACKEND=aws', () => {
    it('refuses to start on the log alone unless AUDIT_SINK=log says so, saying how to fix it', () => {
      const problems = problemsOf(awsWithoutSink);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^AUDIT_SINK: with DX_BACKEND=aws the audit trail needs a durable sink/);
      for (const fix of ['AUDIT_LOG_FILE (one replica)', 'AUDIT_DATABASE_URL (a fleet of replicas)', 'AUDIT_SINK=log']) expect(problems[0]).toContain(fix);
    });

    it('starts with a durable sink, or with the log accepted out loud', () => {
      expect(loadConfig({ ...awsWithoutSink, AUDIT_LOG_FILE: '/audit.jsonl' }).auditSink).toBe('file');
      expect(loadConfig({ ...awsWithoutSink, AUDIT_DATABASE_URL: DATABASE }).auditSink).toBe('database');
      expect(loadConfig({ ...awsWithoutSink, AUDIT_SINK: 'log' }).auditSink).toBe('log');
    });

    it('reports the missing sink beside every other problem', () => {
      const problems = problemsOf({ DX_BACKEND: 'aws', PORT: 'abc' });
      expect(problems.some((p) => p.startsWith('PORT: '))).toBe(true);
      expect(problems.some((p) => p.startsWith('AUTH_MODE: '))).toBe(true);
      expect(problems.some((p) => p.startsWith('AUDIT_SINK: with DX_BACKEND=aws'))).toBe(true);
    });

    it('counts an empty AUDIT_LOG_FILE as unset, so as no sink', () => {
      expect(problemsOf({ ...awsWithoutSink, AUDIT_LOG_FILE: '' })).toEqual([expect.stringMatching(/^AUDIT_SINK: with DX_BACKEND=aws/)]);
    });
  });

  it("keeps the log as the emulator's default, with no problem", () => {
    expect(loadConfig({ DX_BACKEND: 'emulator' }).auditSink).toBe('log');
  });
});
