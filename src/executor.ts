import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, printSchema, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { requestError } from './errors/GatewayError.js';

// graphql-jit compiles each distinct operation once into plain JavaScript, which
// executes lists of hundreds of connections several times faster than graphql-js
// (README, "Performance"). Apollo still parses, validates (with the query limits)
// and runs every plugin; only execution is swapped, through its gateway hook.

/** Distinct operations kept compiled; clients send a handful, hostile ones are bounded. */
const MAX_COMPILED = 500;

const requestErrors = (errors: readonly GraphQLError[] | undefined, code: ApolloServerErrorCode) => ({
  errors: (errors ?? []).map((error) => withLocations(requestError(code, error.message), error)),
});

/** GraphQLError computes locations from AST nodes, which jit's errors no longer have; carry them over. */
function withLocations(copy: GraphQLError, original: GraphQLError): GraphQLError {
  if (original.locations) (copy as { locations?: GraphQLError['locations'] }).locations = original.locations;
  return copy;
}

/**
 * graphql-jit's errors are look-alikes with a read-only message, which Apollo's
 * error handling cannot enrich; hand Apollo graphql-js's own kind, same content.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  return withLocations(
    new GraphQLError(error.message, {
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    }),
    error,
  );
}

export function jitExecutor(schema: GraphQLSchema): GatewayInterface {
  const compiled = new LRUCache<string, CompiledQuery>({ max: MAX_COMPILED });

  const executor: GatewayExecutor = async (request) => {
    // The name the client sent: Apollo's own `operationName` is null when it names no operation.
    const operationName = request.request.operationName ?? undefined;
    const key = `${request.queryHash}:${operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, request.document, operationName);
      // What cannot be compiled (an operationName naming no operation) is the request's fault.
      if (!isCompiledQuery(result)) return requestErrors(result.errors, ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE);
      query = result;
      compiled.set(key, query);
    }
    const result = await query.query(undefined, request.context, request.request.variables ?? {});
    // Variables that do not fit the operation: no data at all, as graphql-js answers
    // them, which Apollo turns into a 400 BAD_USER_INPUT only for its own executor.
    if (!('data' in result) || result.data === undefined) return requestErrors(result.errors, ApolloServerErrorCode.BAD_USER_INPUT);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
