import { describe, expect, it } from 'vitest';
import { AwsCallFailed } from '../../../src/aws/classifyAwsError.js';
import { assertValid, errorExtensions, GatewayError } from '../../../src/errors/GatewayError.js';
import { checkConnectionId, checkLagId, resolveRegion } from '../../../src/input.js';

// src/errors/GatewayError.ts: the entries of errors[] (docs/contract.md, "Errors").

describe('Class: GatewayError', () => {
  it('carries code, retryable and awsRequestId as GraphQL extensions', () => {
    const error = new GatewayError('THROTTLED', 'slow down', { awsRequestId: 'req-7' });
    expect(error.message).toBe('slow down');
    expect(error.extensions).toEqual({ code: 'THROTTLED', retryable: true, awsRequestId: 'req-7' });
    expect(error.name).toBe('GatewayError');
    expect(error).toBeInstanceOf(Error);
  });

  it('derives retryable from the code', () => {
    expect(new GatewayError('RESOURCE_BUSY', 'm').extensions.retryable).toBe(true);
    expect(new GatewayError('CONNECTION_NOT_FOUND', 'm').extensions.retryable).toBe(false);
    expect(new GatewayError('AWS_CLIENT_ERROR', 'm').extensions.retryable).toBe(false);
  });

  it('leaves awsRequestId out of extensions when AWS never answered', () => {
    const error = new GatewayError('AWS_UNAVAILABLE', 'm');
    expect(error.extensions).not.toHaveProperty('awsRequestId');
  });

  it('serialises the extensions into a GraphQL error entry', () => {
    const json = new GatewayError('LAG_NOT_FOUND', 'gone', { awsRequestId: 'req-3' }).toJSON();
    expect(json).toMatchObject({ message: 'gone', extensions: { code: 'LAG_NOT_FOUND', retryable: false, awsRequestId: 'req-3' } });
  });

  it('shows an AWS failure as its classification says, keeping it as the original error', () => {
    const failure = new AwsCallFailed({ code: 'CONNECTION_NOT_FOUND', message: 'gone', awsRequestId: 'req-4' });
    expect(errorExtensions(failure.classified.code, failure.classified.awsRequestId)).toEqual({
      code: 'CONNECTION_NOT_FOUND',
      retryable: false,
      awsRequestId: 'req-4',
    });
    const error = new GatewayError(failure.classified.code, failure.message, { awsRequestId: failure.classified.awsRequestId, cause: failure });
    expect(error.extensions).toEqual({ code: 'CONNECTION_NOT_FOUND', retryable: false, awsRequestId: 'req-4' });
    expect(error.originalError).toBe(failure);
  });

  it('badUserInput gives a non-retryable BAD_USER_INPUT error with the message', () => {
    const error = GatewayError.badUserInput('lagId "x" is not a LAG ID');
    expect(error.message).toBe('lagId "x" is not a LAG ID');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', retryable: false });
  });

  it('carries an HTTP status for Apollo when one is given', () => {
    expect(new GatewayError('FORBIDDEN', 'no', { httpStatus: 403 }).extensions).toEqual({ code: 'FORBIDDEN', retryable: false, http: { status: 403 } });
  });
});

describe('Function: assertValid', () => {
  it('throws a BAD_USER_INPUT GatewayError for a problem', () => {
    const problem = checkLagId('nope')!;
    let thrown: unknown;
    try {
      assertValid(problem);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    const error = thrown as GatewayError;
    expect(error.message).toBe(problem.message);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
  });

  it('throws for an unserved region', () => {
    expect(() => assertValid(resolveRegion('ap-south-1', { defaultRegion: 'us-east-1', regions: ['us-east-1'] }))).toThrow(
      GatewayError,
    );
  });

  it('lets a resolved region and "no problem" through', () => {
    expect(() => assertValid(resolveRegion('us-east-1', { defaultRegion: 'us-east-1', regions: ['us-east-1'] }))).not.toThrow();
    expect(() => assertValid(checkConnectionId('dxcon-fg9607vm'))).not.toThrow();
  });
});
