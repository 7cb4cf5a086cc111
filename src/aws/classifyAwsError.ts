// One place that turns whatever an AWS SDK call threw into a stable code. AWS is
// authoritative: we read its error name, status and message; nothing here predicts
// what AWS would say. The codes are a subset of the API's DirectConnectErrorCode;
// whether one is worth retrying is decided with the other client-visible errors
// (src/errors/codes.ts), not here.

export type AwsErrorCode =
  | 'BAD_USER_INPUT'
  | 'CONNECTION_NOT_FOUND'
  | 'LAG_NOT_FOUND'
  | 'VIRTUAL_INTERFACE_NOT_FOUND'
  | 'RESOURCE_BUSY'
  | 'THROTTLED'
  | 'AWS_CLIENT_ERROR'
  | 'AWS_SERVER_ERROR'
  | 'AWS_UNAVAILABLE'
  | 'AWS_ACCESS_DENIED';

export interface ClassifiedAwsError {
  code: AwsErrorCode;
  /** A message a person can act on; AWS's own message is kept where it has one. */
  message: string;
  awsRequestId?: string;
  awsErrorName?: string;
}

/**
 * A failure of an AWS call, already classified: what the service throws for an
 * answer it cannot use, and what the loaders hand on to the fields that asked.
 */
export class AwsCallFailed extends Error {
  constructor(
    readonly classified: ClassifiedAwsError,
    options?: { cause?: unknown },
  ) {
    super(classified.message, options);
    this.name = 'AwsCallFailed';
  }

  /** An AWS failure, classified; anything else (a bug) is passed on untouched, to be masked. */
  static from(thrown: unknown): Error {
    if (thrown instanceof AwsCallFailed) return thrown;
    if (isAwsFailure(thrown)) return new AwsCallFailed(classifyAwsError(thrown), { cause: thrown });
    return thrown instanceof Error ? thrown : new Error(String(thrown));
  }
}

// The throttling names both botocore and the JS SDK retry on (docs/aws-behaviour.md, "Retries in the SDKs").
const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

const ACCESS_DENIED_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
]);

/**
 * The SDK's default provider chain found no credentials: thrown before any request
 * is made, so it carries none of an AWS answer's marks, yet it is the gateway's AWS
 * set-up that failed, not a bug of ours.
 */
const NO_CREDENTIALS = 'CredentialsProviderError';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

// CallWindowPassed: a mutating call's retries ran out of its window (callWindow.ts).
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError', 'CallWindowPassed']);

// Known fragments of DirectConnectClientException messages (docs/aws-behaviour.md, "Error messages").
const CLIENT_MESSAGE_RULES: Array<{ pattern: RegExp; code: AwsErrorCode }> = [
  { pattern: /Lag does not exist|Could not find Lag/i, code: 'LAG_NOT_FOUND' },
  { pattern: /Connection does not exist|Could not find Connection/i, code: 'CONNECTION_NOT_FOUND' },
  // AWS's wording for an unknown VIF is not recorded: the emulator's follows the connection form,
  // and Terraform's provider matches "does not exist" for VIFs.
  { pattern: /Could not find Virtual Interface|Virtual ?interface \S+ does not exist/i, code: 'VIRTUAL_INTERFACE_NOT_FOUND' },
  { pattern: /invalid format/i, code: 'BAD_USER_INPUT' },
  { pattern: /MinimumLinks cannot be set higher than the number of connections/i, code: 'BAD_USER_INPUT' },
  { pattern: /is in a transitioning state/i, code: 'RESOURCE_BUSY' },
];

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

function nameAndMessage(error: SdkErrorShape): { name: string; message: string } {
  return {
    name: typeof error.name === 'string' ? error.name : 'Error',
    message: typeof error.message === 'string' ? error.message : '',
  };
}

function networkCode(error: SdkErrorShape): string | undefined {
  for (let e: SdkErrorShape | undefined = error, depth = 0; e && depth < 4; e = e.cause as SdkErrorShape, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

/**
 * @param service how messages name the service that failed: Direct Connect unless the
 *   caller read another (CloudWatch, AWS Health).
 */
export function classifyAwsError(thrown: unknown, service = 'AWS Direct Connect'): ClassifiedAwsError {
  // Loaders hand on failures they already classified.
  if (thrown instanceof AwsCallFailed) return thrown.classified;
  const error: SdkErrorShape = typeof thrown === 'object' && thrown !== null ? (thrown as SdkErrorShape) : {};
  const { name, message } = nameAndMessage(error);
  const status = error.$metadata?.httpStatusCode ?? error.$response?.statusCode;
  const awsRequestId = error.$metadata?.requestId || undefined;
  const attempts = error.$metadata?.attempts;
  const afterRetries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const answered = status !== undefined && status >= 400;
  const make = (code: AwsErrorCode, text: string): ClassifiedAwsError => ({
    code,
    message: text,
    awsRequestId,
    awsErrorName: answered ? name : undefined,
  });
  const readable = status === undefined ? '' : ` (HTTP ${status})`;

  // An answer the SDK could not parse (HTML from a proxy, truncated JSON, an empty
  // error body) says nothing AWS meant, whatever its status: treat it as no answer.
  if (isUnreadableAnswer(name, message)) {
    return {
      ...make('AWS_UNAVAILABLE', `${service} answered something the gateway could not read${readable}${afterRetries}. Retry later.`),
      awsErrorName: undefined,
    };
  }

  if (THROTTLING_NAMES.has(name) || status === 429) {
    return make('THROTTLED', `${service} throttled the request${afterRetries} (${name}: ${message || 'Rate exceeded'}). Retry with backoff.`);
  }
  if (name === NO_CREDENTIALS) {
    return make(
      'AWS_ACCESS_DENIED',
      `The gateway found no AWS credentials to sign the call with (${name}). An operator must give it credentials ` +
        '(environment, shared config or profile, or an instance or task role); the provider chain\'s message is in the gateway\'s log.',
    );
  }
  if (ACCESS_DENIED_NAMES.has(name) || status === 401 || status === 403) {
    // AWS's text names the gateway's IAM principal and account: it goes to the log
    // (DirectConnectService logs every failed call), not to every frontend user.
    return make(
      'AWS_ACCESS_DENIED',
      `AWS refused the gateway's credentials or permissions (${name}). An operator must fix the gateway's AWS credentials or IAM policy; AWS's own message is in the gateway's log.`,
    );
  }
  if (name === 'DirectConnectClientException') {
    const rule = CLIENT_MESSAGE_RULES.find((r) => r.pattern.test(message));
    return make(rule?.code ?? 'AWS_CLIENT_ERROR', message || `${service} rejected the request.`);
  }
  if (name === 'DirectConnectServerException' || (status !== undefined && status >= 500)) {
    return make('AWS_SERVER_ERROR', `${service} failed with a server error${afterRetries} (${name}${message ? `: ${message}` : ''}). Retry later.`);
  }
  if (status !== undefined && status >= 400) {
    return make('AWS_CLIENT_ERROR', `${service} rejected the request (${name}${message ? `: ${message}` : ''}).`);
  }
  if (TIMEOUT_NAMES.has(name)) {
    return make('AWS_UNAVAILABLE', `${service} did not answer in time${afterRetries}. Retry later.`);
  }
  const network = networkCode(error);
  if (network) {
    return make('AWS_UNAVAILABLE', `${service} could not be reached${afterRetries} (${network}). Retry later.`);
  }
  // What is left: a failure before any answer. AWS gave us nothing usable.
  return make('AWS_UNAVAILABLE', `${service} gave no usable answer${afterRetries} (${name}). Retry later.`);
}

function isUnreadableAnswer(name: string, message: string): boolean {
  return name === 'SyntaxError' || /Deserialization error/i.test(message) || name === 'UnknownError' || name === 'Unknown';
}

/**
 * Whether something thrown came from an AWS call (an SDK service exception, a
 * timeout, a network failure, an unreadable answer) rather than from a bug of
 * ours; a bug must surface as INTERNAL_SERVER_ERROR, not as "AWS unavailable".
 */
export function isAwsFailure(thrown: unknown): boolean {
  if (thrown instanceof AwsCallFailed) return true;
  if (typeof thrown !== 'object' || thrown === null) return false;
  const error = thrown as SdkErrorShape;
  const { name, message } = nameAndMessage(error);
  return (
    error.$metadata !== undefined ||
    error.$fault !== undefined ||
    error.$response !== undefined ||
    name === NO_CREDENTIALS ||
    TIMEOUT_NAMES.has(name) ||
    networkCode(error) !== undefined ||
    isUnreadableAnswer(name, message)
  );
}
