import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { HttpRefusal } from './errorHandler.js';

// How request bodies are read: JSON (UTF-8, gzip/deflate/br accepted) up to
// BODY_LIMIT_BYTES after decoding; any other type is read within the same limit
// and handed to Apollo without a body, which refuses it as it always has (CSRF
// prevention, or "POST body missing"), in GraphQL's error shape.

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body's text as sent, which the response cache keys on (src/http/responseCache.ts). */
    bodyText?: string;
  }
}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)/i);
  return match?.[1]?.toLowerCase();
}

export function readBodies(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, text, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return done(new HttpRefusal(415, 'The request body must be UTF-8 JSON.'), undefined);
    try {
      const body: unknown = JSON.parse(text as string);
      request.bodyText = text as string;
      done(null, body);
    } catch {
      done(new HttpRefusal(400, 'The request body is not valid JSON.'), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => done(null, undefined));

  app.addHook('preParsing', (request, _reply, payload, done) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return done(null, payload);
    const decoder = DECODERS[encoding];
    if (!decoder) return done(new HttpRefusal(415, 'The request body uses a content encoding the gateway does not accept.'), payload);
    const decoded = decoder() as Transform & { receivedEncodedLength?: number };
    // Fastify compares Content-Length with the bytes received, not the bytes decoded.
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      decoded.receivedEncodedLength! += chunk.length;
    });
    payload.on('error', (error) => decoded.destroy(error));
    done(null, payload.pipe(decoded));
  });
}
