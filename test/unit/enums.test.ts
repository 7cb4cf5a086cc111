import { loadTypeDefs } from '../../src/schema.js';
import { describe, expect, it, vi } from 'vitest';
import { pino, type Logger } from 'pino';
import { buildSchema, GraphQLEnumType, Kind, type GraphQLEnumValueConfigMap } from 'graphql';
import {
  ConnectionState as SdkConnectionState,
  HasLogicalRedundancy as SdkHasLogicalRedundancy,
  LagState as SdkLagState,
} from '@aws-sdk/client-direct-connect';
import { enumValues, type AwsEnumName } from '../../src/resolvers/awsEnums.js';
import { knownEnumValue } from '../../src/resolvers/knownEnumValue.js';
import { resolvers } from '../../src/resolvers/index.js';

// DESIGN.md §4: GraphQL-style enum values mapped to AWS strings; a value AWS adds
// later becomes UNKNOWN (where the enum has it) or null, and is logged.

const schema = buildSchema(loadTypeDefs().join('\n'));

const ENUM_NAMES = Object.keys(enumValues) as AwsEnumName[];
const WITH_UNKNOWN: AwsEnumName[] = ['ConnectionState', 'LagState', 'HasLogicalRedundancy'];
const WITHOUT_UNKNOWN: AwsEnumName[] = ['EncryptionMode', 'PortEncryptionStatus', 'MacSecKeyState'];

/** A real pino logger writing to memory, so the test sees what an operator would. */
function capturedLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const logger = pino({ level: 'info' }, { write: (chunk: string) => void written.push(chunk) });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function spyLogger() {
  const warn = vi.fn();
  return { warn, logger: { warn } as unknown as Logger };
}

// The module remembers reported values for the process's life; each test uses its own values.
let unique = 0;
const fresh = (base: string) => `${base}-${++unique}-${Date.now()}`;

describe('enumValues', () => {
  it('covers exactly the six AWS enums of the schema', () => {
    expect(ENUM_NAMES.sort()).toEqual(
      ['ConnectionState', 'EncryptionMode', 'HasLogicalRedundancy', 'LagState', 'MacSecKeyState', 'PortEncryptionStatus'].sort(),
    );
  });

  it.each(ENUM_NAMES)('%s maps each GraphQL value to a distinct AWS string', (name) => {
    const values = Object.values(enumValues[name] as Record<string, string>);
    expect(new Set(values).size).toBe(values.length);
  });

  it.each(ENUM_NAMES)('%s round-trips every AWS value through the GraphQL enum', (name) => {
    const map = enumValues[name] as Record<string, string>;
    const sdlType = schema.getType(name);
    expect(sdlType).toBeInstanceOf(GraphQLEnumType);
    // What Apollo does with enum resolvers: the internal value of each GraphQL value is the AWS string.
    const config = (sdlType as GraphQLEnumType).toConfig();
    const values: GraphQLEnumValueConfigMap = {};
    for (const [key, value] of Object.entries(config.values)) values[key] = { ...value, value: map[key] };
    const resolved = new GraphQLEnumType({ ...config, values });

    for (const [graphqlValue, awsValue] of Object.entries(map)) {
      expect(resolved.serialize(awsValue)).toBe(graphqlValue);
      expect(resolved.parseValue(graphqlValue)).toBe(awsValue);
      expect(resolved.parseLiteral({ kind: Kind.ENUM, value: graphqlValue }, undefined)).toBe(awsValue);
    }
  });

  it('uses the AWS strings the API documents for the MACsec enums', () => {
    expect(enumValues.EncryptionMode).toMatchObject({ NO_ENCRYPT: 'no_encrypt', SHOULD_ENCRYPT: 'should_encrypt', MUST_ENCRYPT: 'must_encrypt' });
    expect(enumValues.PortEncryptionStatus).toMatchObject({ ENCRYPTION_UP: 'Encryption Up', ENCRYPTION_DOWN: 'Encryption Down' });
  });

  it('is what Apollo receives as enum resolvers', () => {
    for (const name of Object.keys(enumValues) as AwsEnumName[]) expect(resolvers[name]).toBe(enumValues[name]);
  });
});

describe('the SDL enums and enumValues', () => {
  it.each(ENUM_NAMES)('the GraphQL enum %s has exactly the keys of enumValues', (name) => {
    const sdlType = schema.getType(name);
    expect(sdlType, `schema/*.graphql has no enum ${name}`).toBeInstanceOf(GraphQLEnumType);
    const sdlKeys = (sdlType as GraphQLEnumType).getValues().map((v) => v.name).sort();
    expect(sdlKeys).toEqual(Object.keys(enumValues[name]).sort());
  });
});

describe("the SDK's own enums", () => {
  it.each([
    ['ConnectionState', SdkConnectionState],
    ['LagState', SdkLagState],
    ['HasLogicalRedundancy', SdkHasLogicalRedundancy],
  ] as const)('every SDK %s value is in the map', (name, sdkEnum) => {
    const known = Object.values(enumValues[name] as Record<string, string>);
    const missing = Object.values(sdkEnum).filter((value) => !known.includes(value));
    expect(missing, `enumValues.${name} lacks SDK values: ${missing.join(', ')}`).toEqual([]);
  });
});

describe('knownEnumValue', () => {
  it.each(ENUM_NAMES)('passes every known %s value through without a warning', (name) => {
    const { warn, logger } = spyLogger();
    for (const value of Object.values(enumValues[name] as Record<string, string>)) {
      expect(knownEnumValue(name, value, logger)).toBe(value);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it.each(WITH_UNKNOWN)("maps an unknown %s value to 'unknown'", (name) => {
    const { logger } = spyLogger();
    expect(knownEnumValue(name, fresh('brand_new_state'), logger)).toBe('unknown');
  });

  it.each(WITHOUT_UNKNOWN)('maps an unknown %s value to null', (name) => {
    const { logger } = spyLogger();
    expect(knownEnumValue(name, fresh('Encryption Sideways'), logger)).toBeNull();
  });

  it('is case-sensitive, as AWS strings are', () => {
    const { logger } = spyLogger();
    expect(knownEnumValue('ConnectionState', 'AVAILABLE', logger)).toBe('unknown');
    expect(knownEnumValue('PortEncryptionStatus', 'encryption up', logger)).toBeNull();
  });

  it('maps undefined and null to null without a warning', () => {
    const { warn, logger } = spyLogger();
    expect(knownEnumValue('ConnectionState', undefined, logger)).toBeNull();
    expect(knownEnumValue('EncryptionMode', null, logger)).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs a warning naming the enum and the value', () => {
    const { logger, lines } = capturedLogger();
    const value = fresh('suspended');

    knownEnumValue('LagState', value, logger);

    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 40, enum: 'LagState', value });
    expect(String(lines()[0]!.msg)).toMatch(/enum value/);
  });

  it('logs each unknown value once, however often it is seen', () => {
    const { logger, lines } = capturedLogger();
    const value = fresh('flapping');

    for (let i = 0; i < 5; i++) expect(knownEnumValue('ConnectionState', value, logger)).toBe('unknown');

    expect(lines()).toHaveLength(1);
  });

  it('logs each distinct unknown value', () => {
    const { warn, logger } = spyLogger();
    const first = fresh('a');
    const second = fresh('b');

    knownEnumValue('MacSecKeyState', first, logger);
    knownEnumValue('MacSecKeyState', second, logger);
    knownEnumValue('MacSecKeyState', first, logger);

    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls.map(([fields]) => (fields as { value: string }).value)).toEqual([first, second]);
  });

  it('logs the same unknown value separately for different enums', () => {
    const { warn, logger } = spyLogger();
    const value = fresh('shared');

    knownEnumValue('ConnectionState', value, logger);
    knownEnumValue('LagState', value, logger);

    expect(warn).toHaveBeenCalledTimes(2);
  });
});
