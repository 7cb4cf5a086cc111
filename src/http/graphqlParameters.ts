import type { FastifyRequest } from 'fastify';

/** A request's GraphQL parameters: a POST's JSON body or a GET's query string, as Apollo reads them. */
export function graphqlParameters(request: FastifyRequest): Record<string, unknown> | undefined {
  const source: unknown = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' ? (source as Record<string, unknown>) : undefined;
}
