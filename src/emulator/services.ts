import type { IncomingMessage } from 'node:http';
import type { Operation } from './operation.js';
import { cloudWatchOperations, directConnectOperations, healthOperations } from './operations/index.js';
import { cloudWatchError, GET_METRIC_DATA_QUERY_TYPES } from './operations/getMetricData.js';
import { AwsError, isOperationName, operationFromTarget } from './protocol.js';
import { awsJson, awsQuery, rpcV2Cbor, type Protocol, type QueryTypes } from './wire.js';

/**
 * The three AWS services the emulator answers on one port, and how a request
 * finds its service, protocol and operation (docs/aws-behaviour.md, "Wire protocol").
 */

export interface Service {
  /** The SigV4 signing name, as in the credential scope. */
  readonly signingName: string;
  readonly operations: Readonly<Record<string, Operation>>;
  /** The query protocol's member types, per operation. */
  readonly queryTypes: Readonly<Record<string, QueryTypes>>;
  /** What a `throttle` fault answers: a code both the JS SDK and botocore retry as throttling. */
  throttling(): AwsError;
  /** A 500 of the service's own kind, for a `server-error` fault or a bug in a handler. */
  serverError(message: string): AwsError;
}

export const DIRECT_CONNECT: Service = {
  signingName: 'directconnect',
  operations: directConnectOperations,
  queryTypes: {},
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  serverError: (message) => new AwsError('DirectConnectServerException', message, 500),
};

/** CloudWatch's generic throttling code is `Throttling` (its query heritage), in both SDKs' retry lists. */
export const CLOUDWATCH: Service = {
  signingName: 'monitoring',
  operations: cloudWatchOperations,
  queryTypes: { GetMetricData: GET_METRIC_DATA_QUERY_TYPES },
  throttling: () => cloudWatchError('Throttling', 'Rate exceeded'),
  serverError: (message) => cloudWatchError('InternalServiceError', message, 500),
};

/** Health models no server error; AWS's generic one is `InternalFailure`. */
export const HEALTH: Service = {
  signingName: 'health',
  operations: healthOperations,
  queryTypes: {},
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  serverError: (message) => new AwsError('InternalFailure', message, 500),
};

export const DIRECT_CONNECT_JSON = awsJson('1.1', { queryCompatible: false });
const HEALTH_JSON = awsJson('1.1', { queryCompatible: false });
/** CloudWatch is `awsQueryCompatible`: every protocol also names the query code in `x-amzn-query-error`. */
const CLOUDWATCH_JSON = awsJson('1.0', { queryCompatible: true });
const CLOUDWATCH_CBOR = rpcV2Cbor({ namespace: 'com.amazonaws.cloudwatch', queryCompatible: true });
const CLOUDWATCH_QUERY = awsQuery({ xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' });

const TARGETS: [prefix: string, service: Service, protocol: Protocol][] = [
  ['OvertureService', DIRECT_CONNECT, DIRECT_CONNECT_JSON],
  ['GraniteServiceVersion20100801', CLOUDWATCH, CLOUDWATCH_JSON],
  ['AWSHealth_20160804', HEALTH, HEALTH_JSON],
];

const CBOR_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

export interface Call {
  service: Service;
  protocol: Protocol;
  /** Undefined when the request names no operation its protocol can read. */
  operation?: string;
}

/**
 * Which service, protocol and operation a request is: the Smithy RPC v2 path, then
 * the `X-Amz-Target` prefix, then a form-encoded `Action` (only CloudWatch speaks
 * the query protocol here). Anything else is read as Direct Connect's JSON, as
 * before the other services existed. The region comes from the credential scope.
 */
export function identifyCall(req: IncomingMessage, path: string, body: Buffer): Call | undefined {
  const cborPath = CBOR_PATH.exec(path);
  if (cborPath) {
    if (cborPath[1] !== 'GraniteServiceVersion20100801') return undefined;
    const operation = cborPath[2] ?? '';
    return { service: CLOUDWATCH, protocol: CLOUDWATCH_CBOR, operation: isOperationName(operation) ? operation : undefined };
  }
  if (path !== '/') return undefined;
  for (const [prefix, service, protocol] of TARGETS) {
    if (typeof req.headers['x-amz-target'] === 'string' && req.headers['x-amz-target'].startsWith(`${prefix}.`)) {
      return { service, protocol, operation: operationFromTarget(req, prefix) };
    }
  }
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
    return { service: CLOUDWATCH, protocol: CLOUDWATCH_QUERY, operation: action };
  }
  return { service: DIRECT_CONNECT, protocol: DIRECT_CONNECT_JSON };
}
