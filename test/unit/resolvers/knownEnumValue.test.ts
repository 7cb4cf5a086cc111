import { describe, expect, it, vi } from 'vitest';
import { pino, type Logger } from 'pino';
import { enumValues, type AwsEnumName } from '../../../src/resolvers/awsEnums.js';
import { knownEnumValue } from '../../../src/resolvers/knownEnumValue.js';

// src/resolvers/knownEnumValue.ts: a value AWS adds later to one of the enums in
// src/resolvers/awsEnums.ts becomes UNKNOWN (where the enum has it) or null, and is
// logged (docs/contract.md, "Schema").

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

describe('Function: knownEnumValue', () => {
  it.each(ENUM_NAMES)('passes every known %s value through without a warning', (name) => {
    const { warn, logger } = spyLogger();
    for (const value of Object.values(enumValues[name] as Record<string, string>)) {
      expect(knownEnumValue(name, value, { logger })).toBe(value);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('never asks for the request logger for a known value or none: a request that logs nothing makes no child logger', () => {
    const context = {
      get logger(): Logger {
        throw new Error('the logger was asked for');
      },
    };
    expect(knownEnumValue('ConnectionState', 'available', context)).toBe('available');
    expect(knownEnumValue('LagState', undefined, context)).toBeNull();
  });

  it.each(WITH_UNKNOWN)("maps an unknown %s value to 'unknown'", (name) => {
    const { logger } = spyLogger();
    expect(knownEnumValue(name, fresh('brand_new_state'), { logger })).toBe('unknown');
  });

  it.each(WITHOUT_UNKNOWN)('maps an unknown %s value to null', (name) => {
    const { logger } = spyLogger();
    expect(knownEnumValue(name, fresh('Encryption Sideways'), { logger })).toBeNull();
  });

  it('is case-sensitive, as AWS strings are', () => {
    const { logger } = spyLogger();
    expect(knownEnumValue('ConnectionState', 'AVAILABLE', { logger })).toBe('unknown');
    expect(knownEnumValue('PortEncryptionStatus', 'encryption up', { logger })).toBeNull();
  });

  it('maps undefined and null to null without a warning', () => {
    const { warn, logger } = spyLogger();
    expect(knownEnumValue('ConnectionState', undefined, { logger })).toBeNull();
    expect(knownEnumValue('EncryptionMode', null, { logger })).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs a warning naming the enum and the value', () => {
    const { logger, lines } = capturedLogger();
    const value = fresh('suspended');

    knownEnumValue('LagState', value, { logger });

    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 40, enum: 'LagState', value });
    expect(String(lines()[0]!.msg)).toMatch(/enum value/);
  });

  it('logs each unknown value once, however often it is seen', () => {
    const { logger, lines } = capturedLogger();
    const value = fresh('flapping');

    for (let i = 0; i < 5; i++) expect(knownEnumValue('ConnectionState', value, { logger })).toBe('unknown');

    expect(lines()).toHaveLength(1);
  });

  it('logs each distinct unknown value', () => {
    const { warn, logger } = spyLogger();
    const first = fresh('a');
    const second = fresh('b');

    knownEnumValue('MacSecKeyState', first, { logger });
    knownEnumValue('MacSecKeyState', second, { logger });
    knownEnumValue('MacSecKeyState', first, { logger });

    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls.map(([fields]) => (fields as { value: string }).value)).toEqual([first, second]);
  });

  it('logs the same unknown value separately for different enums', () => {
    const { warn, logger } = spyLogger();
    const value = fresh('shared');

    knownEnumValue('ConnectionState', value, { logger });
    knownEnumValue('LagState', value, { logger });

    expect(warn).toHaveBeenCalledTimes(2);
  });
});
