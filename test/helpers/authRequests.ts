// Requests and fixtures shared by the authentication suites.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashApiKey } from '../../src/auth/apiKeys.js';
import { expect } from 'vitest';
import type { TestGateway } from './gateway.js';

export const LAGS = `{ lags { lagId } }`;
export const DISASSOCIATE = `
  mutation Disassociate($input: DisassociateConnectionFromLagInput!) {
    disassociateConnectionFromLag(input: $input) {
      __typename
      ... on DirectConnectError { code message }
      ... on DisassociateConnectionFromLagSuccess { dryRun connection { connectionId lagId } }
    }
  }
`;
export const ALLOWED = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' };
/** A real call AWS itself refuses (the connection is in another LAG), so the refusal carries AWS's request ID. */
export const NOT_IN_LAG = { connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-allow001' };
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Authorization header that presents a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Answer {
  status: number;
  requestId: string | null;
  wwwAuthenticate: string | null;
  text: string;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
}

/** A GraphQL POST that keeps the response headers and raw text the helper's `graphql` drops. */
export async function post(gw: TestGateway, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    wwwAuthenticate: response.headers.get('www-authenticate'),
    text,
    body: JSON.parse(text),
  };
}

/** The records of an AUDIT_LOG_FILE, one JSON object a line. */
export async function auditLines(file: string): Promise<Array<Record<string, any>>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const SUBJECT_FIELDS = ['caller', 'clientRequestId', 'id', 'input', 'kind', 'operation', 'region', 'requestId', 'resourceIds', 'roles', 'time'];
/** The fields of each kind of audit record, sorted. */
export const AUDIT_FIELDS = {
  intent: [...SUBJECT_FIELDS, 'deadline', 'fingerprint'].sort(),
  attempt: [...SUBJECT_FIELDS, 'awsRequestId', 'durationMs', 'outcome', 'warnings'].sort(),
  outcome: [...SUBJECT_FIELDS, 'awsRequestId', 'durationMs', 'intentId', 'outcome', 'sent', 'uncertain', 'warnings'].sort(),
};

/** The records that end attempts: a real call's `outcome`, or the one `attempt` record of a dry run or a refused request. */
export const attemptsIn = (records: Array<Record<string, any>>) => records.filter((r) => r.kind !== 'intent');

/**
 * The record that ended the one attempt among `records` (what one request appended),
 * checked for its shape: an `attempt` record alone, or a real call's `intent` then
 * its `outcome`, linked by `intentId` and telling the same who, what and input.
 */
export function oneAttempt(records: Array<Record<string, any>>): Record<string, any> {
  const ended = attemptsIn(records);
  expect(ended).toHaveLength(1);
  const record = ended[0]!;
  expect(Object.keys(record).sort()).toEqual(AUDIT_FIELDS[record.kind as 'attempt' | 'outcome']);
  if (record.kind === 'attempt') {
    expect(records).toHaveLength(1);
  } else {
    expect(records).toHaveLength(2);
    const [intent] = records;
    expect(Object.keys(intent!).sort()).toEqual(AUDIT_FIELDS.intent);
    expect(intent).toMatchObject({ kind: 'intent', id: record.intentId });
    for (const field of ['requestId', 'caller', 'roles', 'operation', 'input', 'clientRequestId']) expect(record[field], field).toEqual(intent![field]);
  }
  return record;
}

/** Writes an API_KEYS_FILE in `dir` holding these keys' hashes and roles; returns its path. */
export async function writeApiKeysFile(dir: string, keys: Record<string, { key: string; roles: string[] }>): Promise<string> {
  const file = join(dir, 'api-keys.json');
  const entries = Object.entries(keys).map(([name, { key, roles }]) => ({ name, sha256: hashApiKey(key).toString('hex'), roles }));
  await writeFile(file, JSON.stringify({ keys: entries }));
  return file;
}
