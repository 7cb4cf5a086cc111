import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationRule } from 'graphql';

// Static limits on what a query may ask for (GraphQL Armor), checked before any
// resolver runs. Sized so that every README example, the deepest useful query
// (connections → lag → connections → lag) and Sandbox's own introspection pass.
export const QUERY_LIMITS = {
  maxDepth: 8,
  maxCost: 5000,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 20,
};

/**
 * graphql-js 16 does not validate that the schema has the requested root type; a
 * subscription would fail during execution as an internal error. Refuse it up front.
 */
const offeredOperationsOnly: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`This API offers no ${node.operation} operations.`, { nodes: node }));
    }
  },
});

/** Apollo runs queries and mutations; subscriptions have their own transport (src/http/websocket.ts). */
export const subscriptionsOverWebSocketOnly: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(
        new GraphQLError('Subscriptions run over a WebSocket (graphql-ws, the graphql-transport-ws protocol) on this same /graphql path, not over HTTP.', { nodes: node }),
      );
    }
  },
});

export function queryLimits({ hideSuggestions }: { hideSuggestions: boolean }) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    // graphql-js's own parser limit (parseOptions below) answers GRAPHQL_PARSE_FAILED
    // with a 400; Armor's token plugin turns every syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // "Did you mean …?" would reveal the schema where introspection is off.
    blockFieldSuggestion: { enabled: hideSuggestions },
  }).protect();
  // Armor is typed against Apollo's CommonJS build and we load its ESM build: the
  // same plugin interface under two type identities.
  return {
    plugins: plugins as unknown as ApolloServerPlugin<any>[],
    validationRules: [...validationRules, offeredOperationsOnly],
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
  };
}
