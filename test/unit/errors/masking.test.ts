import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AwsCallFailed } from '../../../src/aws/classifyAwsError.js';
import { GatewayError } from '../../../src/errors/GatewayError.js';
import { errorBody, errorCode, maskErrors } from '../../../src/errors/masking.js';
import { capturedLogger } from '../../helpers/logger.js';

// What a client may see of a failure (src/errors/masking.ts): the end-to-end view is
// test/graphql/errorMasking.test.ts; here each kind of error, one at a time.

/** An error as graphql-js hands it to Apollo: located at a field, the thrown one as originalError. */
const located = (thrown: Error) => new GraphQLError(thrown.message, { path: ['lags', 0, 'connections'], originalError: thrown });

const format = (error: GraphQLError, production = true) => {
  const log = capturedLogger();
  return { formatted: maskErrors(log.logger, production)(error.toJSON(), error), lines: log.lines };
};

describe('Function: maskErrors', () => {
  it("shows an AWS failure a loader handed on as its classification: code, retryable, awsRequestId, message", () => {
    const failure = new AwsCallFailed({ code: 'THROTTLED', message: 'AWS Direct Connect throttled the request.', awsRequestId: 'req-1' });
    const { formatted, lines } = format(located(failure));
    expect(formatted).toMatchObject({
      message: 'AWS Direct Connect throttled the request.',
      path: ['lags', 0, 'connections'],
      extensions: { code: 'THROTTLED', retryable: true, awsRequestId: 'req-1' },
    });
    expect(lines).toEqual([]);
  });

  it('passes a GatewayError as it was written', () => {
    const error = new GatewayError('BAD_USER_INPUT', 'lagId "x" is not a LAG ID');
    const { formatted } = format(error);
    expect(formatted).toEqual(error.toJSON());
  });

  it("passes Apollo's own request codes, not retryable", () => {
    const error = new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(format(error).formatted.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED', retryable: false });
  });

  it('masks anything else in production, with a correlation ID the log also carries', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'lagId')");
    const { formatted, lines } = format(located(bug));
    expect(formatted.message).not.toContain('lagId');
    expect(formatted.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', retryable: false });
    const correlationId = formatted.extensions?.correlationId;
    expect(formatted.message).toContain(String(correlationId));
    expect(lines).toEqual([expect.objectContaining({ correlationId, msg: 'unexpected error while resolving' })]);
  });

  it('keeps the message outside production, still coded INTERNAL_SERVER_ERROR', () => {
    const { formatted } = format(located(new TypeError('boom')), false);
    expect(formatted.message).toBe('boom');
    expect(formatted.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', retryable: false });
  });
});

describe('Function: errorCode', () => {
  it('reads the code of an AWS failure, a GatewayError, located or not', () => {
    expect(errorCode(located(new AwsCallFailed({ code: 'AWS_UNAVAILABLE', message: 'm' })))).toBe('AWS_UNAVAILABLE');
    expect(errorCode(new GatewayError('FORBIDDEN', 'no', { httpStatus: 403 }))).toBe('FORBIDDEN');
    expect(errorCode(located(new GatewayError('LAG_NOT_FOUND', 'gone')))).toBe('LAG_NOT_FOUND');
  });

  it('gives nothing for a bug, so that the caller records it as internal', () => {
    expect(errorCode(located(new TypeError('boom')))).toBeUndefined();
    expect(errorCode('a string')).toBeUndefined();
  });
});

describe('Function: errorBody', () => {
  it("answers in GraphQL's error shape with retryable from the code", () => {
    expect(errorBody('UNAUTHENTICATED', 'Not authenticated.')).toEqual({
      errors: [{ message: 'Not authenticated.', extensions: { code: 'UNAUTHENTICATED', retryable: false } }],
    });
    expect(errorBody('AWS_UNAVAILABLE', 'later').errors[0]!.extensions.retryable).toBe(true);
  });
});
