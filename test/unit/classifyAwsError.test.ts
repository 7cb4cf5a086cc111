import { describe, expect, it } from 'vitest';
import {
  DirectConnectClientException,
  DirectConnectServerException,
  DirectConnectServiceException,
} from '@aws-sdk/client-direct-connect';
import type { DirectConnectErrorCode } from '../../src/__generated__/resolvers-types.js';
import { classifyAwsError, DirectConnectGatewayError, isRetryable } from '../../src/directconnect/errors.js';

// DESIGN.md §5: every AWS failure becomes one stable gateway code.

const REQUEST_ID = '7f2d6c1e-3b4a-4c5d-9e8f-0a1b2c3d4e5f';

function clientException(message: string, status = 400, requestId = REQUEST_ID): DirectConnectClientException {
  return new DirectConnectClientException({ message, $metadata: { httpStatusCode: status, requestId } });
}

function serverException(message: string, status = 500, attempts?: number): DirectConnectServerException {
  return new DirectConnectServerException({ message, $metadata: { httpStatusCode: status, requestId: REQUEST_ID, attempts } });
}

/** An error as the SDK throws it for an error name it has no class for. */
function awsError(name: string, message: string, status: number, attempts?: number): DirectConnectServiceException {
  return new DirectConnectServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    message,
    $metadata: { httpStatusCode: status, requestId: REQUEST_ID, attempts },
  });
}

/** A Node network failure as undici / node:http surface it (no HTTP answer). */
function networkError(code: string, attempts?: number): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:4566`), {
    code,
    $metadata: attempts ? { attempts } : {},
  });
}

function named(name: string, message: string, attempts?: number): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $metadata: attempts ? { attempts } : {} });
}

const ALL_CODES: DirectConnectErrorCode[] = [
  'BAD_USER_INPUT',
  'CONNECTION_NOT_FOUND',
  'LAG_NOT_FOUND',
  'CONNECTION_NOT_IN_LAG',
  'MINIMUM_LINKS_VIOLATION',
  'RESOURCE_BUSY',
  'THROTTLED',
  'AWS_CLIENT_ERROR',
  'AWS_SERVER_ERROR',
  'AWS_UNAVAILABLE',
  'AWS_ACCESS_DENIED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'INTERNAL_SERVER_ERROR',
];
const RETRYABLE_CODES = new Set<DirectConnectErrorCode>(['THROTTLED', 'RESOURCE_BUSY', 'AWS_SERVER_ERROR', 'AWS_UNAVAILABLE']);

describe('classifyAwsError', () => {
  describe('DirectConnectClientException, classified by its message', () => {
    it.each([
      ['Connection ID foobar has an invalid format.', 'BAD_USER_INPUT'],
      ['Lag ID foobar has an invalid format.', 'BAD_USER_INPUT'],
      ['Could not find Connection with ID dxcon-fg9607vm', 'CONNECTION_NOT_FOUND'],
      ['Could not find Lag with ID dxlag-ffrz71kw', 'LAG_NOT_FOUND'],
      ['Connection does not exist', 'CONNECTION_NOT_FOUND'],
      ['Lag does not exist', 'LAG_NOT_FOUND'],
      ['Connection dxcon-fh9yptf2 is in a transitioning state.', 'RESOURCE_BUSY'],
    ] as const)('classifies "%s" as %s', (message, code) => {
      const classified = classifyAwsError(clientException(message));
      expect(classified.code).toBe(code);
      expect(classified.retryable).toBe(code === 'RESOURCE_BUSY');
    });

    it('keeps AWS message verbatim for a known fragment', () => {
      const classified = classifyAwsError(clientException('Could not find Lag with ID dxlag-ffrz71kw'));
      expect(classified.message).toBe('Could not find Lag with ID dxlag-ffrz71kw');
      expect(classified.awsErrorName).toBe('DirectConnectClientException');
    });

    it('gives AWS_CLIENT_ERROR with AWS message kept for a message it does not know', () => {
      const message = 'ConfirmConnection failed. dxcon-ffv0l30a is in state requested';
      const classified = classifyAwsError(clientException(message));
      expect(classified).toMatchObject({
        code: 'AWS_CLIENT_ERROR',
        message,
        retryable: false,
        awsRequestId: REQUEST_ID,
        awsErrorName: 'DirectConnectClientException',
      });
    });

    it('gives AWS_CLIENT_ERROR with a readable message when AWS sent none', () => {
      const classified = classifyAwsError(clientException(''));
      expect(classified.code).toBe('AWS_CLIENT_ERROR');
      expect(classified.message.length).toBeGreaterThan(0);
    });

    it('never retries a client exception it cannot classify', () => {
      expect(classifyAwsError(clientException('MinimumLinks cannot be set higher than the number of connections')).retryable).toBe(false);
    });
  });

  describe('throttling', () => {
    it.each(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'LimitExceededException'])(
      'classifies %s as THROTTLED, retryable',
      (name) => {
        const classified = classifyAwsError(awsError(name, 'Rate exceeded', 400));
        expect(classified.code).toBe('THROTTLED');
        expect(classified.retryable).toBe(true);
        expect(classified.awsRequestId).toBe(REQUEST_ID);
      },
    );

    it('classifies any HTTP 429 as THROTTLED, whatever the name', () => {
      expect(classifyAwsError(awsError('SomethingNew', 'slow down', 429)).code).toBe('THROTTLED');
      expect(classifyAwsError(clientException('Rate exceeded', 429)).code).toBe('THROTTLED');
    });

    it('says how many attempts the SDK made', () => {
      const classified = classifyAwsError(awsError('ThrottlingException', 'Rate exceeded', 400, 3));
      expect(classified.message).toContain('3 attempts');
      expect(classified.message).toContain('Rate exceeded');
    });
  });

  describe('server errors', () => {
    it('classifies DirectConnectServerException as AWS_SERVER_ERROR, retryable', () => {
      const classified = classifyAwsError(serverException('Internal failure'));
      expect(classified).toMatchObject({ code: 'AWS_SERVER_ERROR', retryable: true, awsRequestId: REQUEST_ID });
      expect(classified.message).toContain('Internal failure');
    });

    it('classifies DirectConnectServerException as AWS_SERVER_ERROR even without an HTTP status', () => {
      const error = new DirectConnectServerException({ message: 'boom', $metadata: {} });
      expect(classifyAwsError(error).code).toBe('AWS_SERVER_ERROR');
    });

    it.each([500, 502, 503, 504])('classifies HTTP %i of any name as AWS_SERVER_ERROR', (status) => {
      expect(classifyAwsError(awsError('ServiceUnavailable', 'unavailable', status)).code).toBe('AWS_SERVER_ERROR');
    });

    it('says how many attempts the SDK made', () => {
      expect(classifyAwsError(serverException('Internal failure', 500, 3)).message).toContain('3 attempts');
    });
  });

  describe('access denied', () => {
    it.each(['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException'])(
      'classifies %s as AWS_ACCESS_DENIED, not retryable',
      (name) => {
        const classified = classifyAwsError(awsError(name, 'User is not authorized', 400));
        expect(classified).toMatchObject({ code: 'AWS_ACCESS_DENIED', retryable: false, awsRequestId: REQUEST_ID });
        expect(classified.message).toContain(name);
      },
    );

    it('classifies HTTP 403 of any name as AWS_ACCESS_DENIED', () => {
      expect(classifyAwsError(awsError('Forbidden', 'nope', 403)).code).toBe('AWS_ACCESS_DENIED');
    });

    it('classifies a credentials provider failure (no HTTP answer) as AWS_ACCESS_DENIED', () => {
      expect(classifyAwsError(named('CredentialsProviderError', 'Could not load credentials from any providers')).code).toBe(
        'AWS_ACCESS_DENIED',
      );
    });
  });

  describe('other client errors', () => {
    it('classifies an unknown 4xx error name as AWS_CLIENT_ERROR naming the AWS error', () => {
      const classified = classifyAwsError(awsError('UnknownOperationException', 'Unknown operation', 400));
      expect(classified).toMatchObject({ code: 'AWS_CLIENT_ERROR', retryable: false, awsErrorName: 'UnknownOperationException' });
      expect(classified.message).toContain('UnknownOperationException');
      expect(classified.message).toContain('Unknown operation');
    });
  });

  describe('no usable answer', () => {
    it.each(['TimeoutError', 'AbortError', 'RequestTimeout'])('classifies %s as AWS_UNAVAILABLE, retryable', (name) => {
      const classified = classifyAwsError(named(name, 'Connection timed out after 10000 ms'));
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.retryable).toBe(true);
    });

    it('says how many attempts the SDK made before timing out', () => {
      expect(classifyAwsError(named('TimeoutError', 'timed out', 3)).message).toContain('3 attempts');
    });

    it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT'])('classifies a network error %s as AWS_UNAVAILABLE', (code) => {
      const classified = classifyAwsError(networkError(code));
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.retryable).toBe(true);
      expect(classified.message).toContain(code);
    });

    it('finds a network error code nested in cause', () => {
      const inner = networkError('ECONNREFUSED');
      const outer = new TypeError('fetch failed', { cause: new Error('socket failed', { cause: inner }) });
      const classified = classifyAwsError(outer);
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.message).toContain('ECONNREFUSED');
    });

    it('finds ECONNRESET nested one level in cause', () => {
      const classified = classifyAwsError(new Error('socket hang up', { cause: networkError('ECONNRESET') }));
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.message).toContain('ECONNRESET');
    });

    it('says how many attempts the SDK made before giving up on the network', () => {
      expect(classifyAwsError(networkError('ECONNRESET', 3)).message).toContain('3 attempts');
    });

    it('classifies a SyntaxError on a 200 answer (unparseable body) as AWS_UNAVAILABLE, keeping the request ID', () => {
      // What the SDK's deserializer middleware throws for a 200 with a non-JSON body.
      const error = Object.assign(new SyntaxError('Unexpected token < in JSON at position 0'), {
        $metadata: { httpStatusCode: 200, requestId: REQUEST_ID },
        $response: { statusCode: 200 },
        $responseBodyText: '<html>',
      });
      const classified = classifyAwsError(error);
      expect(classified).toMatchObject({ code: 'AWS_UNAVAILABLE', retryable: true, awsRequestId: REQUEST_ID });
      expect(classified.awsErrorName).toBeUndefined();
    });

    it('classifies a deserialisation failure on a 200 answer (wrong shape) as AWS_UNAVAILABLE', () => {
      const error = Object.assign(new TypeError('Expected real number, got implicit NaN'), {
        $metadata: { httpStatusCode: 200 },
      });
      expect(classifyAwsError(error).code).toBe('AWS_UNAVAILABLE');
    });

    it.each([
      ['a string', 'something broke'],
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
    ])('classifies a thrown %s as AWS_UNAVAILABLE without throwing', (_label, thrown) => {
      let classified: ReturnType<typeof classifyAwsError> | undefined;
      expect(() => {
        classified = classifyAwsError(thrown);
      }).not.toThrow();
      expect(classified).toMatchObject({ code: 'AWS_UNAVAILABLE', retryable: true });
      expect(classified!.message.length).toBeGreaterThan(0);
    });
  });

  describe('awsRequestId', () => {
    it('carries the AWS request ID of an answered request', () => {
      expect(classifyAwsError(clientException('Lag does not exist', 400, 'req-1')).awsRequestId).toBe('req-1');
      expect(classifyAwsError(serverException('x')).awsRequestId).toBe(REQUEST_ID);
    });

    it('has no request ID when AWS never answered', () => {
      expect(classifyAwsError(networkError('ECONNREFUSED')).awsRequestId).toBeUndefined();
    });
  });

  describe('retryable', () => {
    it.each(ALL_CODES)('isRetryable(%s) is true exactly for THROTTLED, RESOURCE_BUSY, AWS_SERVER_ERROR, AWS_UNAVAILABLE', (code) => {
      expect(isRetryable(code)).toBe(RETRYABLE_CODES.has(code));
    });

    it('sets retryable on every classification from the code', () => {
      const samples: unknown[] = [
        clientException('Connection ID foobar has an invalid format.'),
        clientException('Could not find Connection with ID dxcon-fg9607vm'),
        clientException('Lag does not exist'),
        clientException('Connection dxcon-fh9yptf2 is in a transitioning state.'),
        clientException('Something else'),
        awsError('ThrottlingException', 'Rate exceeded', 400),
        serverException('x'),
        awsError('AccessDeniedException', 'no', 400),
        networkError('ECONNRESET'),
        'a string',
      ];
      for (const sample of samples) {
        const classified = classifyAwsError(sample);
        expect(classified.retryable, classified.code).toBe(RETRYABLE_CODES.has(classified.code));
      }
    });
  });

  describe('already classified errors', () => {
    it('passes a DirectConnectGatewayError through unchanged', () => {
      const original = new DirectConnectGatewayError({ code: 'LAG_NOT_FOUND', message: 'No LAG', awsRequestId: 'req-9' });
      expect(classifyAwsError(original)).toBe(original.classified);
      expect(classifyAwsError(original)).toEqual({ code: 'LAG_NOT_FOUND', message: 'No LAG', awsRequestId: 'req-9', retryable: false });
    });

    it('does not reclassify a gateway error whose message looks like another code', () => {
      const original = new DirectConnectGatewayError({ code: 'THROTTLED', message: 'Could not find Lag with ID dxlag-ffrz71kw' });
      expect(classifyAwsError(original).code).toBe('THROTTLED');
    });
  });
});

describe('DirectConnectGatewayError', () => {
  it('carries code, retryable and awsRequestId as GraphQL extensions', () => {
    const error = new DirectConnectGatewayError({ code: 'THROTTLED', message: 'slow down', awsRequestId: 'req-7' });
    expect(error.message).toBe('slow down');
    expect(error.extensions).toEqual({ code: 'THROTTLED', retryable: true, awsRequestId: 'req-7' });
    expect(error.name).toBe('DirectConnectGatewayError');
    expect(error).toBeInstanceOf(Error);
  });

  it('derives retryable from the code when not given', () => {
    expect(new DirectConnectGatewayError({ code: 'RESOURCE_BUSY', message: 'm' }).extensions.retryable).toBe(true);
    expect(new DirectConnectGatewayError({ code: 'CONNECTION_NOT_FOUND', message: 'm' }).extensions.retryable).toBe(false);
  });

  it('keeps an explicit retryable', () => {
    const error = new DirectConnectGatewayError({ code: 'AWS_CLIENT_ERROR', message: 'm', retryable: true });
    expect(error.extensions.retryable).toBe(true);
    expect(error.classified.retryable).toBe(true);
  });

  it('leaves awsRequestId out of extensions when AWS never answered', () => {
    const error = new DirectConnectGatewayError({ code: 'AWS_UNAVAILABLE', message: 'm' });
    expect(error.extensions).not.toHaveProperty('awsRequestId');
  });

  it('serialises the extensions into a GraphQL error entry', () => {
    const json = new DirectConnectGatewayError({ code: 'LAG_NOT_FOUND', message: 'gone', awsRequestId: 'req-3' }).toJSON();
    expect(json).toMatchObject({ message: 'gone', extensions: { code: 'LAG_NOT_FOUND', retryable: false, awsRequestId: 'req-3' } });
  });

  describe('fromAws', () => {
    it('classifies an SDK exception and keeps it as originalError', () => {
      const cause = clientException('Could not find Connection with ID dxcon-fg9607vm');
      const error = DirectConnectGatewayError.fromAws(cause) as DirectConnectGatewayError;
      expect(error).toBeInstanceOf(DirectConnectGatewayError);
      expect(error.extensions).toEqual({ code: 'CONNECTION_NOT_FOUND', retryable: false, awsRequestId: REQUEST_ID });
      expect(error.originalError).toBe(cause);
    });

    it('returns an already classified error itself', () => {
      const original = new DirectConnectGatewayError({ code: 'THROTTLED', message: 'm' });
      expect(DirectConnectGatewayError.fromAws(original)).toBe(original);
    });

    it('passes a bug of ours on untouched, so that it is masked as internal rather than blamed on AWS', () => {
      const bug = new TypeError("Cannot read properties of undefined (reading 'lagId')");
      expect(DirectConnectGatewayError.fromAws(bug)).toBe(bug);
      const thrownString = DirectConnectGatewayError.fromAws('boom');
      expect(thrownString).not.toBeInstanceOf(DirectConnectGatewayError);
      expect(thrownString.message).toBe('boom');
    });
  });

  it('badUserInput gives a non-retryable BAD_USER_INPUT error with the message', () => {
    const error = DirectConnectGatewayError.badUserInput('lagId "x" is not a LAG ID');
    expect(error.message).toBe('lagId "x" is not a LAG ID');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', retryable: false });
  });
});
