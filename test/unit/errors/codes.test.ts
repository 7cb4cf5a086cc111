import { describe, expect, it } from 'vitest';
import type { DirectConnectErrorCode } from '../../../src/__generated__/resolvers-types.js';
import { isRetryable } from '../../../src/errors/codes.js';

// src/errors/codes.ts: which codes are retryable (docs/contract.md, "Errors").

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

describe('Function: isRetryable', () => {
  it.each(ALL_CODES)('isRetryable(%s) is true exactly for THROTTLED, RESOURCE_BUSY, AWS_SERVER_ERROR, AWS_UNAVAILABLE', (code) => {
    expect(isRetryable(code)).toBe(RETRYABLE_CODES.has(code));
  });
});
