// How both stores keep an outcome (docs/contract.md, "Exactly once, one at a time"):
// a replay must answer what the first attempt answered, field for field, yet be its
// own copy so a caller that decorates it (`replayed: true`) cannot change the record.
// Outcomes are JSON but for Dates (an AWS timestamp such as loaIssueTime), which
// plain JSON would bring back as strings: they are tagged `{"$date": "<ISO 8601>"}`.
// A one-key object that merely looks like a tag is wrapped in `{"$object": …}`, so
// no outcome can turn into a Date (or lose its shape) by accident.

const DATE = '$date';
const ESCAPED = '$object';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function looksLikeTag(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === DATE || keys[0] === ESCAPED);
}

/** The outcome as JSON text; Dates are tagged. Throws a TypeError for what JSON cannot hold (undefined, a function). */
export function encodeOutcome(value: unknown): string {
  const wrappers = new WeakSet<object>();
  // JSON.stringify has called a Date's toJSON before the replacer sees the value,
  // so the Date itself is read from the holder.
  function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
    if (wrappers.has(this)) return value;
    const raw = this[key];
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : { [DATE]: raw.toISOString() };
    if (looksLikeTag(value)) {
      const wrapper = { [ESCAPED]: value };
      wrappers.add(wrapper);
      return wrapper;
    }
    return value;
  }
  const text = JSON.stringify(value, replacer) as string | undefined;
  if (text === undefined) throw new TypeError(`an outcome must be a JSON value, not ${typeof value}`);
  return text;
}

/** A fresh copy of what `encodeOutcome` encoded, Dates revived. Throws a SyntaxError for text that is not JSON. */
export function decodeOutcome<T>(text: string): T {
  return revive(JSON.parse(text) as Json) as T;
}

// Top-down, unlike JSON.parse's bottom-up reviver, so an escaped object's contents
// are seen as data before anything inside it could be read as a tag.
function revive(value: Json): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== 'object') return value;
  if (looksLikeTag(value)) {
    const tagged = value[DATE];
    if (typeof tagged === 'string') return new Date(tagged);
    const escaped = value[ESCAPED];
    if (escaped !== undefined && escaped !== null && typeof escaped === 'object' && !Array.isArray(escaped)) return reviveMembers(escaped);
  }
  return reviveMembers(value);
}

// In place: JSON.parse made the object, so it is ours, and assigning to an own
// "__proto__" property (which JSON.parse creates as data) cannot reach a prototype.
function reviveMembers(object: { [key: string]: Json }): unknown {
  for (const key of Object.keys(object)) object[key] = revive(object[key]!) as Json;
  return object;
}
