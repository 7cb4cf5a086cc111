import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, parse, printSchema, type ExecutionResult, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from './context.js';
import { requestError } from './errors/GatewayError.js';

// graphql-jit compiles each distinct operation once into plain JavaScript, which
// executes lists of hundreds of connections several times faster than graphql-js
// (README, "Performance"). Apollo still parses, validates (with the query limits)
// and runs every plugin; only execution is swapped, through its gateway hook.

/** Distinct operations kept compiled; clients send a handful, hostile ones are bounded. */
const MAX_COMPILED = 500;
/** The texts of prepared operations are kept too; they are bounded in characters as well. */
const MAX_PREPARED_TEXT = 8 * 1024 * 1024;

/**
 * An operation Apollo has parsed and validated once (with the query limits), compiled:
 * the same text and operation name need neither again. src/http/graphqlRoute.ts runs
 * it without Apollo's per-request pipeline, and hands Apollo any result with an error
 * to answer (see `ranAlready`).
 */
export interface PreparedOperation {
  operation: OperationTypeNode;
  /** graphql-jit's result as is: data undefined when the variables do not fit (nothing ran). */
  execute(context: GatewayContext, variables: Record<string, unknown>): Promise<ExecutionResult> | ExecutionResult;
}

export interface JitExecution {
  /** Apollo's executor hook: Apollo parses, validates, runs the plugins; graphql-jit executes. */
  gateway: GatewayInterface;
  /** The operation by its text and the operation name sent with it, once Apollo has validated and run it. */
  prepared(query: string, operationName: string | undefined): PreparedOperation | undefined;
}

const textKey = (query: string, operationName: string | undefined) => `${operationName ?? ''}\n${query}`;

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

/** A result whose errors are graphql-js's own kind (see asGraphQLError). */
const withGraphQLErrors = (result: ExecutionResult): ExecutionResult =>
  result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;

/**
 * Whether graphql-jit carries the mend `npm ci` applies (scripts/patch-graphql-jit.mjs;
 * `--ignore-scripts` skips it): unmended, each mutation's objects outlive minor GCs.
 * Judged by what it compiles, not by its files.
 */
export function graphqlJitMended(schema: GraphQLSchema): boolean {
  if (!schema.getMutationType()) return true;
  const compiled = compileQuery(schema, parse('mutation { __typename }'), undefined, { debug: true } as Parameters<typeof compileQuery>[3]);
  const source = (compiled as { __DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation?: string }).__DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation ?? '';
  return !source.includes('.finalResolve = () =>');
}

export function jitExecutor(schema: GraphQLSchema): JitExecution {
  const compiled = new LRUCache<string, CompiledQuery>({ max: MAX_COMPILED });
  const prepared = new LRUCache<string, PreparedOperation>({
    max: MAX_COMPILED,
    maxSize: MAX_PREPARED_TEXT,
    sizeCalculation: (_operation, key) => key.length || 1,
  });

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
    const text = request.request.query;
    if (text !== undefined && request.operation && !prepared.has(textKey(text, operationName))) {
      const run = query;
      prepared.set(textKey(text, operationName), { operation: request.operation.operation, execute: (context, variables) => run.query(undefined, context, variables) });
    }
    // A prepared run that ended in an error is answered by Apollo, from its result: it does not run twice.
    const result = (request.context as GatewayContext).notes.ranAlready ?? (await query.query(undefined, request.context, request.request.variables ?? {}));
    // Variables that do not fit the operation: no data at all, as graphql-js answers
    // them, which Apollo turns into a 400 BAD_USER_INPUT only for its own executor.
    if (!('data' in result) || result.data === undefined) return requestErrors(result.errors, ApolloServerErrorCode.BAD_USER_INPUT);
    return withGraphQLErrors(result);
  };

  return {
    gateway: {
      async load() {
        return { executor };
      },
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => {};
      },
      async stop() {},
    },
    prepared: (query, operationName) => prepared.get(textKey(query, operationName)),
  };
}
