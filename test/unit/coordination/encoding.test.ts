import { describe, expect, it } from 'vitest';
import { decodeOutcome, encodeOutcome } from '../../../src/coordination/encoding.js';

// src/coordination/encoding.ts: how both stores keep an outcome for a replay.

const roundTrip = <T>(value: T): T => decodeOutcome<T>(encodeOutcome(value));

describe('Function: encodeOutcome / decodeOutcome', () => {
  it('brings Dates back as Dates, at any depth and at the top', () => {
    const issued = new Date('2024-05-06T07:08:09.123Z');
    const back = roundTrip({ lag: { loaIssueTime: issued, history: [issued, { at: issued }] } });
    expect(back.lag.loaIssueTime).toBeInstanceOf(Date);
    expect(back.lag.loaIssueTime.getTime()).toBe(issued.getTime());
    expect(back.lag.history[0]).toBeInstanceOf(Date);
    expect((back.lag.history[1] as { at: Date }).at).toBeInstanceOf(Date);
    expect(back).toEqual({ lag: { loaIssueTime: issued, history: [issued, { at: issued }] } });
    const top = roundTrip(issued);
    expect(top).toBeInstanceOf(Date);
    expect(top.toISOString()).toBe('2024-05-06T07:08:09.123Z');
  });

  it('keeps plain JSON values exactly, strings that look like dates staying strings', () => {
    const value = { text: '2024-05-06T07:08:09.123Z', n: 0, negative: -1.5, yes: true, no: false, nothing: null, list: [1, 'two', [3]], empty: {} };
    const back = roundTrip(value);
    expect(back).toStrictEqual(value);
    expect(typeof back.text).toBe('string');
    expect(roundTrip('just text')).toBe('just text');
    expect(roundTrip(42)).toBe(42);
    expect(roundTrip(null)).toBeNull();
  });

  it('leaves an object that merely looks like a tag as the object it was', () => {
    const value = {
      fake: { $date: '2024-05-06T07:08:09.123Z' },
      nested: { $object: { $date: 'x' } },
      odd: { $date: 5 },
      list: [{ $object: [1, 2] }],
      two: { $date: 'y', other: 1 },
    };
    const back = roundTrip(value);
    expect(back).toStrictEqual(value);
    expect(back.fake.$date).toBe('2024-05-06T07:08:09.123Z');
  });

  it('gives a fresh copy on each decode, so changing a replay cannot change the record', () => {
    const text = encodeOutcome({ lag: { name: 'first', at: new Date(0) } });
    const one = decodeOutcome<{ lag: { name: string; at: Date } }>(text);
    one.lag.name = 'changed';
    one.lag.at.setTime(1000);
    const two = decodeOutcome<{ lag: { name: string; at: Date } }>(text);
    expect(two).toEqual({ lag: { name: 'first', at: new Date(0) } });
    expect(two).not.toBe(one);
  });

  it('drops undefined members and encodes an invalid Date as null, as JSON does', () => {
    expect(roundTrip({ a: 1, b: undefined, when: new Date(Number.NaN) })).toStrictEqual({ a: 1, when: null });
  });

  it('refuses a top-level value JSON cannot hold', () => {
    expect(() => encodeOutcome(undefined)).toThrow(TypeError);
    expect(() => encodeOutcome(() => 1)).toThrow(TypeError);
  });

  it('throws on text that is not JSON, and a "__proto__" member stays data', () => {
    expect(() => decodeOutcome('{"state":')).toThrow(SyntaxError);
    const back = decodeOutcome<Record<string, unknown>>('{"__proto__":{"polluted":true},"ok":1}');
    expect(Object.prototype.hasOwnProperty.call(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });
});
