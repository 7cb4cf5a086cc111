import { describe, expect, it } from 'vitest';
import {
  DirectConnectClientException,
  DirectConnectServerException,
  DirectConnectServiceException,
} from '@aws-sdk/client-direct-connect';
import type { DirectConnectErrorCode } from '../../../src/__generated__/resolvers-types.js';
import { AwsCallFailed, classifyAwsError, isAwsFailure } from '../../../src/aws/classifyAwsError.js';
import { isRetryable } from '../../../src/errors/codes.js';

// src/aws/classifyAwsError.ts: every AWS failure becomes one stable gateway
// code (docs/contract.md, "Errors"; the messages: docs/aws-behaviour.md, "Error messages").
// isRetryable itself is tested in test/unit/errors/codes.test.ts.

/** A classification as a client sees it: with `retryable`, which follows from the code (src/errors/codes.ts). */
const classify = (thrown: unknown) => {
  const classified = classifyAwsError(thrown);
  return { ...classified, retryable: isRetryable(classified.code) };
};

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

const RETRYABLE_CODES = new Set<DirectConnectErrorCode>(['THROTTLED', 'RESOURCE_BUSY', 'AWS_SERVER_ERROR', 'AWS_UNAVAILABLE']);

describe('Function: classifyAwsError', () => {
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
      const classified = classify(clientException(message));
      expect(classified.code).toBe(code);
      expect(classified.retryable).toBe(code === 'RESOURCE_BUSY');
    });

    it('keeps AWS message verbatim for a known fragment', () => {
      const classified = classify(clientException('Could not find Lag with ID dxlag-ffrz71kw'));
      expect(classified.message).toBe('Could not find Lag with ID dxlag-ffrz71kw');
      expect(classified.awsErrorName).toBe('DirectConnectClientException');
    });

    it('gives AWS_CLIENT_ERROR with AWS message kept for a message it does not know', () => {
      const message = 'ConfirmConnection failed. dxcon-ffv0l30a is in state requested';
      const classified = classify(clientException(message));
      expect(classified).toMatchObject({
        code: 'AWS_CLIENT_ERROR',
        message,
        retryable: false,
        awsRequestId: REQUEST_ID,
        awsErrorName: 'DirectConnectClientException',
      });
    });

    it('gives AWS_CLIENT_ERROR with a readable message when AWS sent none', () => {
      const classified = classify(clientException(''));
      expect(classified.code).toBe('AWS_CLIENT_ERROR');
      expect(classified.message.length).toBeGreaterThan(0);
    });

    it('never retries a client exception it cannot classify', () => {
      expect(classify(clientException('MinimumLinks cannot be set higher than the number of connections')).retryable).toBe(false);
    });
  });

  describe('throttling', () => {
    it.each(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'LimitExceededException'])(
      'classifies %s as THROTTLED, retryable',
      (name) => {
        const classified = classify(awsError(name, 'Rate exceeded', 400));
        expect(classified.code).toBe('THROTTLED');
        expect(classified.retryable).toBe(true);
        expect(classified.awsRequestId).toBe(REQUEST_ID);
      },
    );

    it('classifies any HTTP 429 as THROTTLED, whatever the name', () => {
      expect(classify(awsError('SomethingNew', 'slow down', 429)).code).toBe('THROTTLED');
      expect(classify(clientException('Rate exceeded', 429)).code).toBe('THROTTLED');
    });

    it('says how many attempts the SDK made', () => {
      const classified = classify(awsError('ThrottlingException', 'Rate exceeded', 400, 3));
      expect(classified.message).toContain('3 attempts');
      expect(classified.message).toContain('Rate exceeded');
    });
  });

  describe('server errors', () => {
    it('classifies DirectConnectServerException as AWS_SERVER_ERROR, retryable', () => {
      const classified = classify(serverException('Internal failure'));
      expect(classified).toMatchObject({ code: 'AWS_SERVER_ERROR', retryable: true, awsRequestId: REQUEST_ID });
      expect(classified.message).toContain('Internal failure');
    });

    it('classifies DirectConnectServerException as AWS_SERVER_ERROR even without an HTTP status', () => {
      const error = new DirectConnectServerException({ message: 'boom', $metadata: {} });
      expect(classify(error).code).toBe('AWS_SERVER_ERROR');
    });

    it.each([500, 502, 503, 504])('classifies HTTP %i of any name as AWS_SERVER_ERROR', (status) => {
      expect(classify(awsError('ServiceUnavailable', 'unavailable', status)).code).toBe('AWS_SERVER_ERROR');
    });

    it('says how many attempts the SDK made', () => {
      expect(classify(serverException('Internal failure', 500, 3)).message).toContain('3 attempts');
    });
  });

  describe('access denied', () => {
    it.each(['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException'])(
      'classifies %s as AWS_ACCESS_DENIED, not retryable',
      (name) => {
        const classified = classify(awsError(name, 'User is not authorized', 400));
        expect(classified).toMatchObject({ code: 'AWS_ACCESS_DENIED', retryable: false, awsRequestId: REQUEST_ID });
        expect(classified.message).toContain(name);
      },
    );

    it('classifies HTTP 403 of any name as AWS_ACCESS_DENIED', () => {
      expect(classify(awsError('Forbidden', 'nope', 403)).code).toBe('AWS_ACCESS_DENIED');
    });

    it('classifies a credentials provider failure (no HTTP answer) as AWS_ACCESS_DENIED', () => {
      expect(classify(named('CredentialsProviderError', 'Could not load credentials from any providers')).code).toBe(
        'AWS_ACCESS_DENIED',
      );
    });

    it('takes a credentials provider failure as it is thrown (before any request: no $metadata) for an AWS failure, not a bug', () => {
      const thrown = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError', tryNextLink: false });
      expect(isAwsFailure(thrown)).toBe(true);
      const classified = classifyAwsError(thrown);
      expect(classified).toMatchObject({ code: 'AWS_ACCESS_DENIED', awsRequestId: undefined });
      expect(classified.message).toMatch(/found no AWS credentials.*An operator must give it credentials/);
    });
  });

  describe('other client errors', () => {
    it('classifies an unknown 4xx error name as AWS_CLIENT_ERROR naming the AWS error', () => {
      const classified = classify(awsError('UnknownOperationException', 'Unknown operation', 400));
      expect(classified).toMatchObject({ code: 'AWS_CLIENT_ERROR', retryable: false, awsErrorName: 'UnknownOperationException' });
      expect(classified.message).toContain('UnknownOperationException');
      expect(classified.message).toContain('Unknown operation');
    });
  });

  describe('no usable answer', () => {
    it.each(['TimeoutError', 'AbortError', 'RequestTimeout'])('classifies %s as AWS_UNAVAILABLE, retryable', (name) => {
      const classified = classify(named(name, 'Connection timed out after 10000 ms'));
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.retryable).toBe(true);
    });

    it('says how many attempts the SDK made before timing out', () => {
      expect(classify(named('TimeoutError', 'timed out', 3)).message).toContain('3 attempts');
    });

    it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT'])('classifies a network error %s as AWS_UNAVAILABLE', (code) => {
      const classified = classify(networkError(code));
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.retryable).toBe(true);
      expect(classified.message).toContain(code);
    });

    it('finds a network error code nested in cause', () => {
      const inner = networkError('ECONNREFUSED');
      const outer = new TypeError('fetch failed', { cause: new Error('socket failed', { cause: inner }) });
      const classified = classify(outer);
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.message).toContain('ECONNREFUSED');
    });

    it('finds ECONNRESET nested one level in cause', () => {
      const classified = classify(new Error('socket hang up', { cause: networkError('ECONNRESET') }));
      expect(classified.code).toBe('AWS_UNAVAILABLE');
      expect(classified.message).toContain('ECONNRESET');
    });

    it('says how many attempts the SDK made before giving up on the network', () => {
      expect(classify(networkError('ECONNRESET', 3)).message).toContain('3 attempts');
    });

    it('classifies a SyntaxError on a 200 answer (unparseable body) as AWS_UNAVAILABLE, keeping the request ID', () => {
      // What the SDK's deserializer middleware throws for a 200 with a non-JSON body.
      const error = Object.assign(new SyntaxError('Unexpected token < in JSON at position 0'), {
        $metadata: { httpStatusCode: 200, requestId: REQUEST_ID },
        $response: { statusCode: 200 },
        $responseBodyText: '<html>',
      });
      const classified = classify(error);
      expect(classified).toMatchObject({ code: 'AWS_UNAVAILABLE', retryable: true, awsRequestId: REQUEST_ID });
      expect(classified.awsErrorName).toBeUndefined();
    });

    it('classifies a deserialisation failure on a 200 answer (wrong shape) as AWS_UNAVAILABLE', () => {
      const error = Object.assign(new TypeError('Expected real number, got implicit NaN'), {
        $metadata: { httpStatusCode: 200 },
      });
      expect(classify(error).code).toBe('AWS_UNAVAILABLE');
    });

    it.each([
      ['a string', 'something broke'],
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
    ])('classifies a thrown %s as AWS_UNAVAILABLE without throwing', (_label, thrown) => {
      let classified: ReturnType<typeof classifyAwsError> | undefined;
      expect(() => {
        classified = classify(thrown);
      }).not.toThrow();
      expect(classified).toMatchObject({ code: 'AWS_UNAVAILABLE', retryable: true });
      expect(classified!.message.length).toBeGreaterThan(0);
    });
  });

  describe('awsRequestId', () => {
    it('carries the AWS request ID of an answered request', () => {
      expect(classify(clientException('Lag does not exist', 400, 'req-1')).awsRequestId).toBe('req-1');
      expect(classify(serverException('x')).awsRequestId).toBe(REQUEST_ID);
    });

    it('has no request ID when AWS never answered', () => {
      expect(classify(networkError('ECONNREFUSED')).awsRequestId).toBeUndefined();
    });
  });

  describe('retryable', () => {
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
        const classified = classify(sample);
        expect(classified.retryable, classified.code).toBe(RETRYABLE_CODES.has(classified.code));
      }
    });
  });

  describe('already classified errors', () => {
    it('passes an AwsCallFailed through unchanged', () => {
      const original = new AwsCallFailed({ code: 'LAG_NOT_FOUND', message: 'No LAG', awsRequestId: 'req-9' });
      expect(classifyAwsError(original)).toBe(original.classified);
      expect(classify(original)).toEqual({ code: 'LAG_NOT_FOUND', message: 'No LAG', awsRequestId: 'req-9', retryable: false });
    });

    it('does not reclassify a gateway error whose message looks like another code', () => {
      const original = new AwsCallFailed({ code: 'THROTTLED', message: 'Could not find Lag with ID dxlag-ffrz71kw' });
      expect(classifyAwsError(original).code).toBe('THROTTLED');
    });
  });
});

describe('Class: AwsCallFailed', () => {
  describe('Method: from', () => {
    it('classifies an SDK exception and keeps it as the cause', () => {
      const cause = clientException('Could not find Connection with ID dxcon-fg9607vm');
      const error = AwsCallFailed.from(cause) as AwsCallFailed;
      expect(error).toBeInstanceOf(AwsCallFailed);
      expect(error.classified).toMatchObject({ code: 'CONNECTION_NOT_FOUND', awsRequestId: REQUEST_ID });
      expect(error.cause).toBe(cause);
    });

    it('returns an already classified error itself', () => {
      const original = new AwsCallFailed({ code: 'THROTTLED', message: 'm' });
      expect(AwsCallFailed.from(original)).toBe(original);
    });

    it('passes a bug of ours on untouched, so that it is masked as internal rather than blamed on AWS', () => {
      const bug = new TypeError("Cannot read properties of undefined (reading 'lagId')");
      expect(AwsCallFailed.from(bug)).toBe(bug);
      const thrownString = AwsCallFailed.from('boom');
      expect(thrownString).not.toBeInstanceOf(AwsCallFailed);
      expect(thrownString.message).toBe('boom');
    });
  });
});
