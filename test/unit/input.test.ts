import { describe, expect, it } from 'vitest';
import { checkConnectionId, checkLagId, resolveRegion, type InputProblem } from '../../src/input.js';

// src/input.ts: malformed IDs and unserved regions are rejected before any AWS call
// (docs/contract.md, "Errors"). assertValid, which turns a problem into an error, is
// tested with GatewayError (test/unit/errors/GatewayError.test.ts).

const chars = (n: number) => 'abcdefghij0123456789xyz'.repeat(2).slice(0, n);

describe('Function: checkConnectionId', () => {
  it.each([
    ['8 characters (the shortest)', `dxcon-${chars(8)}`],
    ['21 characters (the longest)', `dxcon-${chars(21)}`],
    ['an ID from the AWS documentation', 'dxcon-fg9607vm'],
    ['digits only', 'dxcon-12345678'],
  ])('accepts %s', (_label, id) => {
    expect(checkConnectionId(id)).toBeUndefined();
  });

  it.each([
    ['7 characters', `dxcon-${chars(7)}`],
    ['22 characters', `dxcon-${chars(22)}`],
    ['uppercase letters', 'dxcon-FG9607VM'],
    ['an uppercase prefix', 'DXCON-fg9607vm'],
    ['a wrong prefix', 'dxcn-fg9607vm'],
    ['a LAG ID', 'dxlag-ffrz71kw'],
    ['a virtual interface ID', 'dxvif-ffrz71kw'],
    ['the empty string', ''],
    ['surrounding whitespace', ' dxcon-fg9607vm '],
    ['a trailing newline', 'dxcon-fg9607vm\n'],
    ['punctuation', 'dxcon-fg96_7vm'],
  ])('rejects %s', (_label, id) => {
    const problem = checkConnectionId(id);
    expect(problem).toBeDefined();
    expect(problem!.field).toBe('connectionId');
    expect(problem!.message).toContain('dxcon-');
    expect(problem!.message).toContain('8 to 21');
  });

  it('names the field it was given', () => {
    expect(checkConnectionId('nope', 'input.connectionId')).toMatchObject({ field: 'input.connectionId' });
    expect(checkConnectionId('nope', 'input.connectionId')!.message).toMatch(/^input\.connectionId /);
  });

  it('quotes the rejected value in the message', () => {
    expect(checkConnectionId('dxlag-ffrz71kw')!.message).toContain('"dxlag-ffrz71kw"');
  });
});

describe('Function: checkLagId', () => {
  it.each([
    ['8 characters (the shortest)', `dxlag-${chars(8)}`],
    ['21 characters (the longest)', `dxlag-${chars(21)}`],
    ['an ID from the AWS documentation', 'dxlag-ffrz71kw'],
  ])('accepts %s', (_label, id) => {
    expect(checkLagId(id)).toBeUndefined();
  });

  it.each([
    ['7 characters', `dxlag-${chars(7)}`],
    ['22 characters', `dxlag-${chars(22)}`],
    ['uppercase letters', 'dxlag-FFRZ71KW'],
    ['a wrong prefix', 'dxlg-ffrz71kw'],
    ['a connection ID', 'dxcon-fg9607vm'],
    ['the empty string', ''],
  ])('rejects %s', (_label, id) => {
    const problem = checkLagId(id);
    expect(problem).toBeDefined();
    expect(problem!.field).toBe('lagId');
    expect(problem!.message).toContain('dxlag-');
  });
});

describe('hostile input in messages', () => {
  it('truncates a long value instead of echoing it back', () => {
    const hostile = `dxcon-${'a'.repeat(100_000)}`;
    const problem = checkConnectionId(hostile)!;
    expect(problem.message.length).toBeLessThan(400);
    expect(problem.message).toContain('…');
    expect(problem.message).not.toContain('a'.repeat(65));
  });

  it('truncates a long region', () => {
    const problem = resolveRegion('x'.repeat(10_000), { defaultRegion: 'us-east-1', regions: ['us-east-1'] }) as InputProblem;
    expect(problem.message.length).toBeLessThan(400);
    expect(problem.message).not.toContain('x'.repeat(65));
  });

  it('keeps a value of 64 characters whole', () => {
    const value = 'b'.repeat(64);
    expect(checkLagId(value)!.message).toContain(`"${value}"`);
  });

  it('escapes quotes and control characters in the value', () => {
    const problem = checkLagId('dxlag-"\n<script>')!;
    expect(problem.message).toContain('\\"');
    expect(problem.message).toContain('\\n');
    expect(problem.message).not.toContain('\n');
  });
});

describe('Function: resolveRegion', () => {
  const served = { defaultRegion: 'us-east-1', regions: ['us-east-1', 'eu-west-1'] };

  it('uses the default region when none is asked for', () => {
    expect(resolveRegion(undefined, served)).toEqual({ region: 'us-east-1' });
    expect(resolveRegion(null, served)).toEqual({ region: 'us-east-1' });
  });

  it('uses a served region that is asked for', () => {
    expect(resolveRegion('eu-west-1', served)).toEqual({ region: 'eu-west-1' });
  });

  it('rejects an unserved region with a problem naming the served regions', () => {
    const problem = resolveRegion('ap-south-1', served) as InputProblem;
    expect(problem.field).toBe('region');
    expect(problem.message).toContain('"ap-south-1"');
    expect(problem.message).toContain('us-east-1, eu-west-1');
    expect(problem).not.toHaveProperty('region');
  });

  it('rejects the empty string rather than defaulting', () => {
    expect(resolveRegion('', served)).toMatchObject({ field: 'region' });
  });

  it('names the field it was given', () => {
    expect(resolveRegion('ap-south-1', served, 'input.region')).toMatchObject({ field: 'input.region' });
  });
});
