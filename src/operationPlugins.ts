import type { ApolloServerPlugin } from '@apollo/server';
import { SpanKind, SpanStatusCode, type Span, type TimeInput } from '@opentelemetry/api';
import type { GraphQLFormattedError, OperationTypeNode } from 'graphql';
import { requireRole } from './auth/requireRole.js';
import { READ } from './auth/roles.js';
import type { GatewayContext } from './context.js';
import { errorCode } from './errors/masking.js';
import type { Metrics } from './metrics.js';
import { tracer } from './telemetry.js';

// What happens around every GraphQL operation: as Apollo plugins, and as the
// functions the prepared path (src/http/graphqlRoute.ts) calls in their place for an
// operation that ends without an error (one that ends with an error is answered by
// Apollo, plugins and all).

/**
 * Every query needs dx:read; the mutation checks its own role, as a dry run needs
 * less. The operation's type is noted for the response cache, which keeps queries only.
 */
export const queriesNeedReadRole: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        contextValue.notes.operation = operation?.operation;
        if (operation?.operation === 'query') requireRole(contextValue.caller, READ, 'run queries');
      },
    };
  },
};

/** How an operation ended: the first error's code (as thrown, else as answered), or success. */
export const operationOutcome = (thrown: unknown, answered: readonly GraphQLFormattedError[] | undefined): string =>
  errorCode(thrown) ?? (answered?.[0]?.extensions?.code as string | undefined) ?? 'success';

/** Counts every GraphQL operation by name and outcome. */
export function operationMetrics(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          metrics.graphqlOperations.inc({
            operation_name: metrics.operationLabel(request.operationName),
            outcome: operationOutcome(errors?.[0], body?.errors),
            path: 'apollo',
          });
        },
      };
    },
  };
}

/** One span per GraphQL operation: its name, its type, and how it ended. */
export function startOperationSpan(startTime?: TimeInput): Span {
  return tracer.startSpan('graphql.operation', { kind: SpanKind.INTERNAL, startTime });
}

export function nameOperationSpan(span: Span, operationName: string | null | undefined, operation: OperationTypeNode | undefined): void {
  if (operationName) span.setAttribute('graphql.operation.name', operationName);
  if (operation) span.setAttribute('graphql.operation.type', operation);
}

export function endOperationSpan(span: Span, outcome: string): void {
  span.setAttribute('dxgraph.outcome', outcome);
  if (outcome !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  span.end();
}

export const operationSpans: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    const span = startOperationSpan();
    return {
      async didResolveOperation({ operation, operationName }) {
        nameOperationSpan(span, operationName, operation?.operation);
      },
      async willSendResponse({ response, errors }) {
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        endOperationSpan(span, operationOutcome(errors?.[0], body?.errors));
      },
    };
  },
};
