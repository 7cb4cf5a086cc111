import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The AWS JSON 1.1 details shared by every answer the emulator gives. */

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const TARGET_PREFIX = 'OvertureService.';
export const DEFAULT_REGION = 'us-east-1';
const MAX_BODY_BYTES = 1024 * 1024;

/** An error answered to the caller in AWS's shape: `{"__type": type, "message": message}`. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
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

/** The operation named by `X-Amz-Target`, or undefined when the header names none of ours. */
export function operationFromTarget(req: IncomingMessage): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
  const operation = target.slice(TARGET_PREFIX.length);
  return /^[A-Za-z0-9]{1,64}$/.test(operation) ? operation : undefined;
}

/** The region of the SigV4 credential scope: `Credential=AKID/20261125/eu-west-1/directconnect/aws4_request`. */
export function regionFromAuthorization(req: IncomingMessage): string {
  const authorization = req.headers.authorization ?? '';
  const match = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]{1,32})\//.exec(authorization);
  return match?.[1] ?? DEFAULT_REGION;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw serializationError('The request body is larger than 1 MiB.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses an AWS JSON request body; an empty body is an empty input, as botocore sends `{}` anyway. */
export function parseRequestJson(body: string): JsonObject {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw serializationError('The request body is not valid JSON.');
  }
  if (!isJsonObject(parsed)) throw serializationError('The request body must be a JSON object.');
  return parsed;
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
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
