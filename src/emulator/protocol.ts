import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What every answer shares: a fresh `x-amzn-RequestId` and AWS's error shape.
 * The encodings of the four protocols the emulator speaks are in wire.ts.
 */

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const DEFAULT_REGION = 'us-east-1';
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * An error answered to the caller in its protocol's shape: `{"__type": type,
 * "message": message}` in JSON and CBOR. `queryCode` is the error's code in the
 * AWS query protocol where it differs from the shape name (CloudWatch's
 * `InvalidParameterValueException` is `InvalidParameterValue`); query-compatible
 * services send it in `x-amzn-query-error` on every protocol.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly queryCode?: string,
  ) {
    super(message);
  }
}

export const clientError = (message: string): AwsError =>
  new AwsError('DirectConnectClientException', message);

export const serializationError = (message: string): AwsError =>
  new AwsError('SerializationException', message);

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The operation of `X-Amz-Target: <prefix>.<Operation>`, or undefined when the header does not name one under that prefix. */
export function operationFromTarget(req: IncomingMessage, prefix: string): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(`${prefix}.`)) return undefined;
  const operation = target.slice(prefix.length + 1);
  return isOperationName(operation) ? operation : undefined;
}

export const isOperationName = (name: string): boolean => /^[A-Za-z0-9]{1,64}$/.test(name);

/**
 * The SigV4 credential scope: `Credential=AKID/20261125/eu-west-1/directconnect/aws4_request`
 * names the region and the signing name of the service (`directconnect`,
 * `monitoring`, `health`). No signature is checked; without a scope the region is us-east-1.
 */
export function credentialScope(req: IncomingMessage): { region: string; service?: string } {
  const authorization = req.headers.authorization ?? '';
  const match = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,64})\//.exec(authorization);
  return { region: match?.[1] ?? DEFAULT_REGION, service: match?.[2] };
}

/** The raw body: CBOR is binary, the other protocols are UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw serializationError('The request body is larger than 1 MiB.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export const readText = async (req: IncomingMessage): Promise<string> => (await readBody(req)).toString('utf8');

/** A request body as an object, or the SerializationException AWS answers: `format` names the encoding, `container` its object. */
export function decodeBody(decode: () => unknown, format: string, container: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = decode();
  } catch {
    throw serializationError(`The request body is not valid ${format}.`);
  }
  if (!isJsonObject(parsed)) throw serializationError(`The request body must be a ${container}.`);
  return parsed;
}

/** Parses an AWS JSON request body; an empty body is an empty input, as botocore sends `{}` anyway. */
export function parseRequestJson(body: string): JsonObject {
  return body.trim() === '' ? {} : decodeBody(() => JSON.parse(body), 'JSON', 'JSON object');
}

/** Answers with a fresh request ID unless `headers` carries one (the query protocol repeats it in the body). */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  send(res, status, JSON.stringify(value));
}

export function sendError(res: ServerResponse, error: AwsError): void {
  send(res, error.status, JSON.stringify({ __type: error.type, message: error.message }), {
    'x-amzn-ErrorType': error.type,
  });
}
