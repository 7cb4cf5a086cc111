import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { AwsError, decodeBody, isJsonObject, parseRequestJson, send, type JsonObject } from './protocol.js';
import type { Wire } from './shapes.js';

/**
 * The four protocols the emulator answers in (docs/aws-behaviour.md, "Wire
 * protocol"): AWS JSON 1.1 (Direct Connect, Health), AWS JSON 1.0 (CloudWatch from
 * the JS SDK and current botocore), Smithy RPC v2 CBOR (CloudWatch's first
 * protocol in its model) and the AWS query protocol (CloudWatch from older
 * botocore). Operations take and give plain values; a timestamp is a Date on the
 * way out and, on the way in, a Date (CBOR, query) or epoch seconds (JSON).
 */

/** How the query protocol's strings turn into the member types of an operation's input, by member name. */
export type QueryTypes = Readonly<Record<string, 'timestamp' | 'integer' | 'double' | 'boolean'>>;

export interface Protocol {
  decode(body: Buffer, types: QueryTypes): JsonObject;
  answer(res: ServerResponse, operation: string, output: Wire): void;
  fail(res: ServerResponse, error: AwsError): void;
  /** The `malformed-json` fault: an answer cut short, in this protocol's encoding. */
  truncated(res: ServerResponse): void;
  /** The error for an operation this protocol's service does not have. */
  unknownOperation(name: string | undefined): AwsError;
}

/** A query-compatible service names the query protocol's error code beside the shape name: `InvalidParameterValue;Sender`. */
const queryErrorHeader = (error: AwsError): Record<string, string> => ({
  'x-amzn-query-error': `${error.queryCode ?? error.type};${error.status >= 500 ? 'Receiver' : 'Sender'}`,
});

const unknownOperation = (name: string | undefined): AwsError =>
  new AwsError('UnknownOperationException', name === undefined ? 'The request names no operation.' : `Unknown operation ${name}.`);

/** JSON numbers for timestamps: epoch seconds, the only form the JS SDK reads. */
function stringifyJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, converted: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : converted;
  });
}

export function awsJson(version: '1.0' | '1.1', options: { queryCompatible: boolean }): Protocol {
  const contentType = `application/x-amz-json-${version}`;
  const headers = (extra: Record<string, string> = {}) => ({ 'Content-Type': contentType, ...extra });
  return {
    decode: (body) => parseRequestJson(body.toString('utf8')),
    answer: (res, _operation, output) => send(res, 200, stringifyJson(output), headers()),
    fail: (res, error) =>
      send(res, error.status, JSON.stringify({ __type: error.type, message: error.message }), headers({
        'x-amzn-ErrorType': error.type,
        ...(options.queryCompatible ? queryErrorHeader(error) : {}),
      })),
    truncated: (res) => send(res, 200, '{"answer":[{"cutShort":"', headers()),
    unknownOperation,
  };
}

/** CBOR values: timestamps as tag 1 (epoch seconds), undefined members left out (the encoder refuses them). */
function toCbor(value: unknown): unknown {
  if (value instanceof Date) return dateToTag(value);
  if (Array.isArray(value)) return value.map(toCbor);
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = toCbor(member);
    return out;
  }
  return value;
}

/** Decoded CBOR with tag-1 timestamps as Dates, so operations read them like the other protocols' values. */
function fromCbor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromCbor);
  if (isJsonObject(value)) {
    if (value.tag === 1 && typeof value.value === 'number') return new Date(value.value * 1000);
    const out: JsonObject = {};
    for (const [key, member] of Object.entries(value)) out[key] = fromCbor(member);
    return out;
  }
  return value;
}

/**
 * Smithy RPC v2 CBOR (`POST /service/<Service>/operation/<Operation>`): the answer
 * carries `smithy-protocol: rpc-v2-cbor` as the specification requires; an error is
 * `{__type, message}` with the shape ID in `__type`.
 */
export function rpcV2Cbor(options: { namespace: string; queryCompatible: boolean }): Protocol {
  const headers = (extra: Record<string, string> = {}) => ({
    'Content-Type': 'application/cbor',
    'smithy-protocol': 'rpc-v2-cbor',
    ...extra,
  });
  return {
    decode: (body) => (body.length === 0 ? {} : (fromCbor(decodeBody(() => cbor.deserialize(body), 'CBOR', 'CBOR map')) as JsonObject)),
    answer: (res, _operation, output) => send(res, 200, cbor.serialize(toCbor(output)), headers()),
    fail: (res, error) =>
      send(
        res,
        error.status,
        cbor.serialize({ __type: `${options.namespace}#${error.type}`, message: error.message }),
        headers(options.queryCompatible ? queryErrorHeader(error) : {}),
      ),
    truncated: (res) => send(res, 200, cbor.serialize({ MetricDataResults: [{ Id: 'm1', Label: 'cut short' }] }).slice(0, -6), headers()),
    unknownOperation,
  };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);

/** The query protocol's XML: lists as `<member>` elements, timestamps in ISO 8601, absent members left out. */
function toXml(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (isJsonObject(value)) {
    return Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `<${key}>${toXml(member)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** CloudWatch takes at most 500 queries; a larger index is no list a client sends. */
const MAX_QUERY_LIST_INDEX = 1000;

function queryLeaf(raw: string, type: QueryTypes[string] | undefined): unknown {
  switch (type) {
    case 'timestamp': {
      const ms = Date.parse(raw);
      return Number.isNaN(ms) ? raw : new Date(ms);
    }
    case 'integer':
      return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case 'double':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}

/**
 * `MetricDataQueries.member.1.MetricStat.Period=300` → `{MetricDataQueries: [{MetricStat: {Period: 300}}]}`:
 * `member.<n>` (1-based) is an element of a list, any other part a member of a structure.
 */
export function decodeQueryForm(form: URLSearchParams, types: QueryTypes): JsonObject {
  const root: JsonObject = {};
  for (const [key, raw] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    const path: (string | number)[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const index = parts[i + 1];
      if (part === 'member' && index !== undefined && /^[1-9]\d*$/.test(index)) {
        if (Number(index) > MAX_QUERY_LIST_INDEX) throw new AwsError('ValidationError', `The list index in ${key} is too large.`);
        path.push(Number(index) - 1);
        i++;
      } else {
        if (FORBIDDEN_KEYS.has(part) || part === '') throw new AwsError('ValidationError', `The parameter name ${key} is not valid.`);
        path.push(part);
      }
    }
    let node: Record<string | number, unknown> = root;
    path.forEach((step, i) => {
      const next = path[i + 1];
      if (next === undefined) {
        const name = [...path].reverse().find((p): p is string => typeof p === 'string');
        node[step] = queryLeaf(raw, name === undefined ? undefined : types[name]);
        return;
      }
      const existing = node[step];
      const container = typeof next === 'number' ? (Array.isArray(existing) ? existing : []) : isJsonObject(existing) ? existing : {};
      node[step] = container;
      node = container as Record<string | number, unknown>;
    });
  }
  return compactLists(root) as JsonObject;
}

/** A list sent as member.1 and member.3 is a list of two: holes left by the numbering are dropped. */
function compactLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compactLists);
  if (isJsonObject(value) && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactLists(v)]));
  return value;
}

/**
 * The AWS query protocol (`POST /`, form-encoded `Action=<Operation>&Version=…`),
 * answered in XML under the service's namespace, the request ID both in the
 * `x-amzn-RequestId` header and in `ResponseMetadata`.
 */
export function awsQuery(options: { xmlNamespace: string }): Protocol {
  const xml = (res: ServerResponse, status: number, body: (requestId: string) => string) => {
    const requestId = randomUUID();
    send(res, status, `<?xml version="1.0" encoding="UTF-8"?>\n${body(requestId)}`, {
      'Content-Type': 'text/xml',
      'x-amzn-RequestId': requestId,
    });
  };
  return {
    decode: (body, types) => decodeQueryForm(new URLSearchParams(body.toString('utf8')), types),
    answer: (res, operation, output) =>
      xml(
        res,
        200,
        (id) =>
          `<${operation}Response xmlns="${options.xmlNamespace}"><${operation}Result>${toXml(output)}</${operation}Result>` +
          `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${operation}Response>`,
      ),
    fail: (res, error) =>
      xml(
        res,
        error.status,
        (id) =>
          `<ErrorResponse xmlns="${options.xmlNamespace}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${escapeXml(error.queryCode ?? error.type)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          `<RequestId>${id}</RequestId></ErrorResponse>`,
      ),
    truncated: (res) => xml(res, 200, () => `<GetMetricDataResponse xmlns="${options.xmlNamespace}"><GetMetricDataResult><MetricDataResults><member><Id>m`),
    // The query protocol's own codes for a missing or unknown Action.
    unknownOperation: (name) =>
      name === undefined
        ? new AwsError('MissingAction', 'The request must contain the parameter Action.')
        : new AwsError('InvalidAction', `The action ${name} is not valid for this web service.`),
  };
}
