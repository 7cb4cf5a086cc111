import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildASTSchema, getIntrospectionQuery, GraphQLEnumType, parse } from 'graphql';
import { QUERY_LIMITS } from '../../src/limits.js';
import { loadTypeDefs } from '../../src/schema.js';
import { totalCalls, useTestGateway } from '../helpers/gateway.js';

// Hostile and malformed requests over real HTTP, against the wiring `npm start` runs
// (NODE_ENV=production, embedded emulator). Each must be refused with a 4xx or a
// typed error, must not leak a stack trace or a file path, and must not reach AWS.

// Reseeded, with AWS call counts zeroed, before each test (useTestGateway's beforeEach).
const gw = useTestGateway();

const schema = buildASTSchema(parse(loadTypeDefs().join('\n')));
const DX_CODES = new Set((schema.getType('DirectConnectErrorCode') as GraphQLEnumType).getValues().map((v) => v.name));
const APOLLO_REFUSAL_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE']);
const BODY_LIMIT_BYTES = 102_400;

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

async function send(init: { method?: string; body?: string | FormData | Blob; headers?: Record<string, string> }, url = gw.url): Promise<RawResponse> {
  const response = await fetch(url, { method: init.method ?? 'POST', body: init.body, headers: init.headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A POST over a raw socket, for header bytes fetch refuses to send; headers are written as latin1. */
function rawPost(headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port, pathname, host } = new URL(gw.url);
  const body = JSON.stringify({ query: '{ __typename }' });
  const head = [`POST ${pathname} HTTP/1.1`, `host: ${host}`, 'content-type: application/json', `content-length: ${body.length}`, 'connection: close']
    .concat(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))
    .join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(Buffer.from(`${head}\r\n\r\n${body}`, 'latin1')));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [headerBlock = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = headerBlock.split('\r\n');
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])),
        body: rest.join('\r\n\r\n'),
      });
    });
  });
}

const postJson = (body: string, headers: Record<string, string> = {}) =>
  send({ body, headers: { 'content-type': 'application/json', ...headers } });

const postQuery = (query: string, variables?: unknown, extra: Record<string, unknown> = {}) =>
  postJson(JSON.stringify({ query, variables, ...extra }));

/** Nothing in the body that tells an attacker how the gateway is built. */
function expectNoInternals(response: RawResponse) {
  expect(response.status, response.text.slice(0, 500)).toBeLessThan(500);
  expect(response.text.toLowerCase()).not.toContain('stacktrace');
  expect(response.text).not.toMatch(/\n\s+at |\\n\s+at /);
  expect(response.text).not.toMatch(/(\/work\/|\/src\/|\/node_modules\/|file:\/\/|[\w-]+\.[jt]s:\d+)/);
}

/** A 4xx, or a 200 whose every error carries a code a client can act on. */
function expectRefused(response: RawResponse, code?: string) {
  expectNoInternals(response);
  // Apollo's refusals and ours, 4xx or not, answer in GraphQL's error shape.
  const errors: Array<{ extensions?: { code?: string } }> | undefined = response.json?.errors;
  expect(errors?.length, response.text.slice(0, 500)).toBeGreaterThan(0);
  for (const error of errors ?? []) {
    const actual = error.extensions?.code ?? '';
    expect(DX_CODES.has(actual) || APOLLO_REFUSAL_CODES.has(actual), `unexpected code ${actual}`).toBe(true);
    expect(actual).not.toBe('INTERNAL_SERVER_ERROR');
  }
  if (code) expect(errors?.map((e) => e.extensions?.code)).toContain(code);
}

const messages = (response: RawResponse): string =>
  (response.json?.errors ?? []).map((e: { message: string }) => e.message.toLowerCase()).join('\n');

async function expectNoAwsCall() {
  expect(totalCalls(await gw.awsCalls())).toBe(0);
}

const DISASSOCIATE = `
  mutation Disassociate($input: DisassociateConnectionFromLagInput!) {
    disassociateConnectionFromLag(input: $input) {
      __typename
      ... on DisassociateConnectionFromLagSuccess { dryRun connection { connectionId lagId connectionState } lag { lagId numberOfConnections } }
      ... on DirectConnectError { code message retryable }
      ... on InvalidInput { field }
      ... on MinimumLinksViolation { minimumLinks operationalConnections remainingOperationalConnections }
      ... on ConnectionNotInLag { actualLagId }
    }
  }`;

/** connections → lag → connections → lag …, `levels` fields deep. */
function nestedQuery(levels: number): string {
  let inner = 'connectionId';
  for (let level = levels - 1; level >= 1; level--) {
    inner = level % 2 === 1 ? `connections { ${inner} }` : `lag { lagId ${inner} }`;
  }
  return `{ ${inner} }`;
}

describe('request bodies the gateway cannot read', () => {
  it('answers malformed JSON with a 400 in GraphQL’s error shape', async () => {
    for (const body of ['{"query": "{ lags { lagId } }"', '{query: lags}', '\u0000\u0001', '{"query": "x"}}']) {
      const response = await postJson(body);
      expect(response.status, body).toBe(400);
      expectRefused(response, 'BAD_REQUEST');
    }
    await expectNoAwsCall();
  });

  it('refuses JSON that is not an object', async () => {
    for (const body of ['"x"', 'null', '42', 'true', '{}']) {
      const response = await postJson(body);
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expectRefused(response);
    }
    await expectNoAwsCall();
  });

  it('refuses HTTP batching (an array body), empty or not', async () => {
    for (const body of ['[]', JSON.stringify([{ query: '{ lags { lagId } }' }, { query: '{ connections { connectionId } }' }])]) {
      const response = await postJson(body);
      expect(response.status, body).toBe(400);
      expectRefused(response);
    }
    await expectNoAwsCall();
  });

  it('refuses a text/plain POST as a possible cross-site request (CSRF prevention)', async () => {
    const response = await send({ body: JSON.stringify({ query: '{ lags { lagId } }' }), headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(400);
    expectRefused(response);
    await expectNoAwsCall();
  });

  it('refuses other content types and a body without one', async () => {
    const query = JSON.stringify({ query: '{ lags { lagId } }' });
    const form = new FormData();
    form.set('operations', query);
    const cases: Array<{ name: string; body: string | FormData | Blob; headers: Record<string, string> }> = [
      { name: 'application/xml', body: `<query>{ lags { lagId } }</query>`, headers: { 'content-type': 'application/xml' } },
      { name: 'application/xml with preflight header', body: query, headers: { 'content-type': 'application/xml', 'apollo-require-preflight': 'true' } },
      { name: 'multipart/form-data', body: form, headers: {} },
      { name: 'multipart/form-data with preflight header', body: form, headers: { 'apollo-require-preflight': 'true' } },
      { name: 'application/x-www-form-urlencoded', body: 'query=%7B%20lags%20%7B%20lagId%20%7D%20%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { name: 'an empty content type', body: query, headers: { 'content-type': '' } },
      { name: 'no content type', body: new Blob([query]), headers: {} },
      { name: 'no content type with preflight header', body: new Blob([query]), headers: { 'apollo-require-preflight': 'true' } },
    ];
    for (const { name, body, headers } of cases) {
      const response = await send({ body, headers });
      expect(response.status, `${name}: ${response.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${name}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
      expectRefused(response);
    }
    await expectNoAwsCall();
  });

  it(`refuses a body over the ${BODY_LIMIT_BYTES}-byte limit with a 413`, async () => {
    const body = JSON.stringify({ query: `{ lags { lagId } }`, variables: { padding: 'x'.repeat(BODY_LIMIT_BYTES) } });
    const response = await postJson(body);
    expect(response.status).toBe(413);
    expectRefused(response, 'BAD_REQUEST');
    expect(response.json.errors[0].message).toContain(String(BODY_LIMIT_BYTES));
    await expectNoAwsCall();
  });

  it('refuses a body whose query is not a string, or is missing', async () => {
    for (const query of [42, null, ['{ lags { lagId } }'], { kind: 'Document' }, true]) {
      const response = await postJson(JSON.stringify({ query }));
      expect(response.status, JSON.stringify(query)).toBe(400);
      expectRefused(response);
    }
    const missing = await postJson(JSON.stringify({ variables: {} }));
    expect(missing.status).toBe(400);
    expectRefused(missing);
    await expectNoAwsCall();
  });

  it('refuses variables or extensions that are not objects', async () => {
    for (const extra of [{ variables: 'x' }, { variables: [1, 2] }, { extensions: 'x' }, { operationName: 42 }]) {
      const response = await postQuery('{ lags { lagId } }', undefined, extra);
      expect(response.status, JSON.stringify(extra)).toBe(400);
      expectRefused(response);
    }
    await expectNoAwsCall();
  });
});

describe('query limits', () => {
  it(`refuses a query nested deeper than ${QUERY_LIMITS.maxDepth} before any resolver runs`, async () => {
    for (const levels of [QUERY_LIMITS.maxDepth + 2, 40]) {
      const response = await postQuery(nestedQuery(levels));
      expect(response.status).toBe(400);
      expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
      expect(messages(response)).toContain('depth limit');
    }
    await expectNoAwsCall();
  });

  it('lets the deepest useful query through (connections → lag → connections → lag)', async () => {
    const response = await postQuery(`{ connections { lag { connections { lag { lagId } } } } }`);
    expect(response.status).toBe(200);
    expect(response.json.errors).toBeUndefined();
  });

  it(`refuses a wide query costing more than ${QUERY_LIMITS.maxCost}`, async () => {
    // Every field, spread many times through fragments at a shallow depth: within
    // the depth, alias and token limits, far beyond the cost limit.
    const lagFields = 'lagId lagName lagState ownerAccount region location connectionsBandwidth numberOfConnections minimumLinks awsDevice awsDeviceV2 tags { key value } macSecKeys { secretARN ckn state startOn }';
    const connFields = 'connectionId connectionName connectionState ownerAccount region location bandwidth lagId tags { key value } macSecKeys { ckn state }';
    const spreads = (name: string) => Array.from({ length: 40 }, () => `...${name}`).join(' ');
    const query = `
      { lags { ${spreads('L')} connections { ${spreads('C')} lag { ${spreads('L')} connections { ${spreads('C')} } } } } }
      fragment L on Lag { ${lagFields} }
      fragment C on Connection { ${connFields} }`;
    const response = await postQuery(query);
    expect(response.status).toBe(400);
    expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
    expect(messages(response)).toContain('cost limit');
    expect(messages(response)).not.toContain('depth limit');
    await expectNoAwsCall();
  });

  it(`refuses more than ${QUERY_LIMITS.maxAliases} aliases, and an alias bomb of 500`, async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: lags { lagId }`).join(' ')} }`;
    const justOver = await postQuery(aliases(QUERY_LIMITS.maxAliases + 1));
    expect(justOver.status).toBe(400);
    expectRefused(justOver, 'GRAPHQL_VALIDATION_FAILED');
    expect(messages(justOver)).toContain('aliases limit');
    const bomb = await postQuery(aliases(500));
    expect(bomb.status).toBe(400);
    expectRefused(bomb);
    await expectNoAwsCall();
  });

  it(`refuses a document of more than ${QUERY_LIMITS.maxTokens} tokens with GRAPHQL_PARSE_FAILED`, async () => {
    const response = await postQuery(`{ lags { ${'lagId '.repeat(QUERY_LIMITS.maxTokens + 10)} } }`);
    expect(response.status).toBe(400);
    expectRefused(response, 'GRAPHQL_PARSE_FAILED');
    expect(messages(response)).toContain('tokens');
    await expectNoAwsCall();
  });

  it(`refuses more than ${QUERY_LIMITS.maxDirectives} directives`, async () => {
    const onOneField = await postQuery(`{ lags ${'@include(if: true) '.repeat(QUERY_LIMITS.maxDirectives + 5)} { lagId } }`);
    expect(onOneField.status).toBe(400);
    expectRefused(onOneField, 'GRAPHQL_VALIDATION_FAILED');
    const spread = Array.from({ length: QUERY_LIMITS.maxDirectives + 5 }, () => 'lagId @include(if: true)').join(' ');
    const onManyFields = await postQuery(`{ lags { ${spread} } }`);
    expect(onManyFields.status).toBe(400);
    expectRefused(onManyFields, 'GRAPHQL_VALIDATION_FAILED');
    expect(messages(onManyFields)).toContain('directives limit');
    await expectNoAwsCall();
  });

  it('refuses fragment cycles without recursing forever', async () => {
    const cycles = [
      `{ lags { ...A } } fragment A on Lag { ...A }`,
      `{ lags { ...A } } fragment A on Lag { connections { ...B } } fragment B on Connection { lag { ...A } }`,
      `{ connections { ...C } } fragment C on Connection { lag { ...L } } fragment L on Lag { connections { ...C } }`,
    ];
    for (const query of cycles) {
      const response = await postQuery(query);
      expect(response.status, query).toBe(400);
      expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
    }
    await expectNoAwsCall();
  });
});

describe('hostile arguments', () => {
  const huge = `dxcon-${'a'.repeat(90 * 1024)}`;

  it('refuses a 90 KB connection ID with a short BAD_USER_INPUT message', async () => {
    for (const response of [
      await postQuery(`{ connection(connectionId: ${JSON.stringify(huge)}) { connectionId } }`),
      await postQuery(`query ($id: ID!) { connection(connectionId: $id) { connectionId } }`, { id: huge }),
    ]) {
      expectRefused(response, 'BAD_USER_INPUT');
      expect(response.json.errors[0].message.length).toBeLessThan(500);
      expect(response.text.length).toBeLessThan(2000);
    }
    await expectNoAwsCall();
  });

  it('refuses a 90 KB ID in the mutation with a short InvalidInput', async () => {
    const response = await postQuery(DISASSOCIATE, { input: { connectionId: huge, lagId: 'dxlag-allow001', dryRun: false } });
    expectNoInternals(response);
    expect(response.json.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'connectionId' });
    expect(response.json.data.disassociateConnectionFromLag.message.length).toBeLessThan(500);
    await expectNoAwsCall();
  });

  const MALFORMED_CONNECTION_IDS = ['', 'dxcon-', 'dxcon-short', 'DXCON-ALLOW01A', 'dxcon-allow01a ', 'dxlag-allow001', 'dxcon-allow01a\n', 'dxcon-../../etc', "dxcon-' OR 1=1 --", `dxcon-${'a'.repeat(22)}`];
  const MALFORMED_LAG_IDS = ['', 'dxlag-', 'dxlag-short', 'DXLAG-ALLOW001', 'dxcon-allow01a', 'dxlag-allow001\u0000', 'dxlag-%2e%2e%2fetc', `dxlag-${'a'.repeat(22)}`];

  it('refuses malformed IDs in every query field with BAD_USER_INPUT', async () => {
    const fields = [
      ...MALFORMED_CONNECTION_IDS.map((id) => ({ query: `query ($id: ID!) { connection(connectionId: $id) { connectionId } }`, id })),
      ...MALFORMED_LAG_IDS.map((id) => ({ query: `query ($id: ID!) { lag(lagId: $id) { lagId } }`, id })),
      ...MALFORMED_LAG_IDS.map((id) => ({ query: `query ($id: ID) { connections(lagId: $id) { connectionId } }`, id })),
    ];
    for (const { query, id } of fields) {
      const response = await postQuery(query, { id });
      expect(response.status, `${query} ${JSON.stringify(id)}`).toBe(200);
      expectRefused(response, 'BAD_USER_INPUT');
      expect(response.json.data?.connection ?? response.json.data?.lag ?? null).toBeNull();
    }
    await expectNoAwsCall();
  });

  it('answers malformed IDs in the mutation with the InvalidInput member, dry run or not', async () => {
    const inputs = [
      ...MALFORMED_CONNECTION_IDS.map((connectionId) => ({ input: { connectionId, lagId: 'dxlag-allow001' }, field: 'connectionId' })),
      ...MALFORMED_LAG_IDS.map((lagId) => ({ input: { connectionId: 'dxcon-allow01a', lagId }, field: 'lagId' })),
    ];
    for (const { input, field } of inputs) {
      for (const dryRun of [true, false]) {
        const response = await postQuery(DISASSOCIATE, { input: { ...input, dryRun } });
        expectNoInternals(response);
        expect(response.json.errors, JSON.stringify(input)).toBeUndefined();
        expect(response.json.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', retryable: false, field });
      }
    }
    const stats = await gw.awsCalls();
    expect(stats.DisassociateConnectionFromLag ?? 0).toBe(0);
    expect(totalCalls(stats)).toBe(0);
  });

  it('refuses regions the gateway does not serve, in every field and the mutation', async () => {
    for (const region of ['ap-south-1', '../../etc', '', 'US-EAST-1', 'us-east-1 ', 'http://169.254.169.254', 'x'.repeat(10_000)]) {
      const queries = [
        `query ($r: String) { lags(region: $r) { lagId } }`,
        `query ($r: String) { connections(region: $r) { connectionId } }`,
        `query ($r: String) { connection(connectionId: "dxcon-allow01a", region: $r) { connectionId } }`,
        `query ($r: String) { lag(lagId: "dxlag-allow001", region: $r) { lagId } }`,
        `query ($r: String) { connections(region: $r, lagId: "dxlag-allow001") { connectionId } }`,
      ];
      for (const query of queries) {
        const response = await postQuery(query, { r: region });
        expectRefused(response, 'BAD_USER_INPUT');
        expect(response.json.errors[0].message.length).toBeLessThan(500);
      }
      const mutation = await postQuery(DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', region, dryRun: false } });
      expectNoInternals(mutation);
      expect(mutation.json.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'region' });
    }
    await expectNoAwsCall();
  });

  it('answers unknown but well-formed IDs with null or a typed not-found, after asking AWS', async () => {
    const connection = await postQuery(`{ connection(connectionId: "dxcon-zzzzzzzz") { connectionId } }`);
    expect(connection.json).toEqual({ data: { connection: null } });
    const lag = await postQuery(`{ lag(lagId: "dxlag-zzzzzzzz") { lagId } }`);
    expect(lag.json).toEqual({ data: { lag: null } });
    const members = await postQuery(`{ connections(lagId: "dxlag-zzzzzzzz") { connectionId } }`);
    expectRefused(members, 'LAG_NOT_FOUND');
    for (const dryRun of [true, false]) {
      const unknownLag = await postQuery(DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-zzzzzzzz', dryRun } });
      expect(unknownLag.json.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'LagNotFound', code: 'LAG_NOT_FOUND', retryable: false });
      const unknownConnection = await postQuery(DISASSOCIATE, { input: { connectionId: 'dxcon-zzzzzzzz', lagId: 'dxlag-allow001', dryRun } });
      expect(unknownConnection.json.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'ConnectionNotFound', code: 'CONNECTION_NOT_FOUND', retryable: false });
    }
    for (const response of [connection, lag, members]) expectNoInternals(response);
    expect(totalCalls(await gw.awsCalls())).toBeGreaterThan(0);
  });
});

describe('documents that do not fit the schema', () => {
  it('refuses unknown fields and unknown arguments with GRAPHQL_VALIDATION_FAILED', async () => {
    for (const query of [
      `{ lags { secretField } }`,
      `{ __schema2 { types { name } } }`,
      `{ lags(region: "us-east-1", limit: 1000000) { lagId } }`,
      `{ connection(connectionId: "dxcon-allow01a", as: "admin") { connectionId } }`,
      `mutation { deleteLag(lagId: "dxlag-allow001") }`,
      `mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001", force: true }) { __typename } }`,
    ]) {
      const response = await postQuery(query);
      expect(response.status, query).toBe(400);
      expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
    }
    await expectNoAwsCall();
  });

  // graphql-js 16 does not validate that the schema has the operation's root type;
  // execution then throws an error without a code, which the gateway masks as a bug.
  it('refuses a subscription, which the schema does not offer, as a request error rather than an internal one', async () => {
    for (const query of [`subscription { lags { lagId } }`, `subscription S { __typename }`]) {
      const response = await postQuery(query);
      expectRefused(response);
      expect(response.status, `${query}: ${response.text}`).toBe(400);
    }
    await expectNoAwsCall();
  });

  it('refuses variables of the wrong type before executing', async () => {
    const cases: Array<{ query: string; variables: Record<string, unknown> }> = [
      { query: `query ($id: ID!) { connection(connectionId: $id) { connectionId } }`, variables: { id: { $ne: null } } },
      { query: `query ($id: ID!) { connection(connectionId: $id) { connectionId } }`, variables: { id: ['dxcon-allow01a'] } },
      { query: `query ($id: ID!) { connection(connectionId: $id) { connectionId } }`, variables: { id: null } },
      { query: `query ($id: ID!) { connection(connectionId: $id) { connectionId } }`, variables: {} },
      { query: `query ($r: String) { lags(region: $r) { lagId } }`, variables: { r: 1 } },
      { query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: 'no' } } },
      { query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: false, force: true } } },
      { query: DISASSOCIATE, variables: { input: 'dxcon-allow01a' } },
      { query: DISASSOCIATE, variables: {} },
    ];
    for (const { query, variables } of cases) {
      const response = await postQuery(query, variables);
      expect(response.status, JSON.stringify(variables)).toBe(400);
      expectRefused(response, 'BAD_USER_INPUT');
    }
    // A variable typed against the schema wrongly is a validation error.
    const mistyped = await postQuery(`query ($id: Int!) { connection(connectionId: $id) { connectionId } }`, { id: 1 });
    expect(mistyped.status).toBe(400);
    expectRefused(mistyped, 'GRAPHQL_VALIDATION_FAILED');
    const stats = await gw.awsCalls();
    expect(stats.DisassociateConnectionFromLag ?? 0).toBe(0);
    expect(totalCalls(stats)).toBe(0);
  });

  it('refuses automatic persisted queries, which would hide a mutation from the audit of refused requests', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    // Apollo's persisted-query protocol answers this with 200 and the code, so clients fall back to sending text.
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    await expectNoAwsCall();
  });

  it('refuses an operationName that names no operation in the document', async () => {
    const document = `query A { lags { lagId } } query B { connections { connectionId } }`;
    for (const operationName of ['C', '', undefined]) {
      const response = await postQuery(document, undefined, { operationName });
      expect(response.status, String(operationName)).toBe(400);
      expectRefused(response);
    }
    const single = await postQuery(`query A { lags { lagId } }`, undefined, { operationName: 'Disassociate' });
    expect(single.status).toBe(400);
    expectRefused(single);
    await expectNoAwsCall();
  });

  it('refuses a mutation sent with GET instead of running it', async () => {
    const query = `mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } }`;
    const url = new URL(gw.url);
    url.searchParams.set('query', query);
    // Without a preflight header CSRF prevention refuses it (400); with one, Apollo does (405).
    const attempts: Array<Record<string, string>> = [{}, { 'apollo-require-preflight': 'true' }, { 'content-type': 'application/json', 'x-apollo-operation-name': 'x' }];
    for (const headers of attempts) {
      const response = await send({ method: 'GET', headers }, url.toString());
      expect(response.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expectRefused(response);
    }
    const preflighted = await send({ method: 'GET', headers: { 'apollo-require-preflight': 'true' } }, url.toString());
    expect(preflighted.status).toBe(405);
    expect(messages(preflighted)).toContain('only support query');
    const stats = await gw.awsCalls();
    expect(stats.DisassociateConnectionFromLag ?? 0).toBe(0);
    expect(totalCalls(stats)).toBe(0);
    // The connection is still in its LAG.
    const after = await gw.graphql(`{ connection(connectionId: "dxcon-allow01a") { lagId } }`);
    expect(after.body.data.connection.lagId).toBe('dxlag-allow001');
  });
});

describe('header abuse', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('replaces an oversized or odd x-request-id with a fresh UUID', async () => {
    for (const given of ['a'.repeat(10 * 1024), 'id with spaces', '<script>alert(1)</script>', '{"$ne":1}', '../../etc/passwd', 'x'.repeat(129)]) {
      const response = await postJson(JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': given });
      expectNoInternals(response);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(UUID);
    }
    const sane = await postJson(JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': 'trace-123.abc:9' });
    expect(sane.headers.get('x-request-id')).toBe('trace-123.abc:9');
    await expectNoAwsCall();
  });

  it('replaces an x-request-id with control characters, or refuses the request at the HTTP parser', async () => {
    // fetch will not send these, so they go over a raw socket. Tab and bytes above
    // 0x7f are legal in a header value and reach the gateway; NUL, CR and other
    // control characters are refused by Node's HTTP parser with a bare 400.
    for (const given of ['abc\tdef', 'id\u00ffx', 'a\u00e9\u00e8'.repeat(50)]) {
      const response = await rawPost({ 'x-request-id': given });
      expect(response.status, JSON.stringify(given)).toBe(200);
      expect(response.headers['x-request-id']).toMatch(UUID);
    }
    for (const given of ['id\u0001x', 'id\u0000x', 'id\u007fx', 'a\rb', 'a\u001bb']) {
      const response = await rawPost({ 'x-request-id': given });
      expect(response.status, JSON.stringify(given)).toBe(400);
      expect(response.headers['x-request-id']).toBeUndefined();
    }
    await expectNoAwsCall();
  });

  it('survives many and oversized headers without a 5xx', async () => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (let i = 0; i < 50; i++) headers[`x-junk-${i}`] = 'j'.repeat(200);
    const response = await postJson(JSON.stringify({ query: '{ __typename }' }), headers);
    expectNoInternals(response);
    expect(response.status).toBe(200);
    const tooLarge = await postJson(JSON.stringify({ query: '{ __typename }' }), { 'x-big': 'b'.repeat(20 * 1024) });
    expect(tooLarge.status).toBeLessThan(500);
    await expectNoAwsCall();
  });
});

describe('legitimate requests pass the limits', () => {
  it('answers every query in README.md’s "Queries" section', async () => {
    const readmeConnections = `{
      connections {
        connectionId
        connectionState
        bandwidth
        lag { lagId minimumLinks numberOfConnections connections { connectionId connectionState } }
      }
    }`;
    const readmeLag = `{
      lag(lagId: "dxlag-macsec01") {
        lagName lagState minimumLinks encryptionMode
        macSecKeys { secretARN ckn state }
        tags { key value }
      }
      partner: lags(region: "eu-west-1") { lagId allowsHostedConnections }
    }`;
    const first = await postQuery(readmeConnections);
    expect(first.status).toBe(200);
    expect(first.json.errors).toBeUndefined();
    expect(first.json.data.connections.length).toBeGreaterThan(0);
    const second = await postQuery(readmeLag);
    expect(second.status).toBe(200);
    expect(second.json.errors).toBeUndefined();
    expect(second.json.data.lag.lagName).toBeTruthy();
    expect(second.json.data.partner.map((l: { lagId: string }) => l.lagId)).toContain('dxlag-partner01');
  });

  it('runs README.md’s mutation: the dry run, the real call and the typed failure', async () => {
    const dry = await postQuery(DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true } });
    expect(dry.json.errors).toBeUndefined();
    expect(dry.json.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', dryRun: true });
    const real = await postQuery(DISASSOCIATE, { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: false } });
    expect(real.json.data.disassociateConnectionFromLag).toMatchObject({
      __typename: 'DisassociateConnectionFromLagSuccess',
      dryRun: false,
      connection: { connectionId: 'dxcon-allow01a', lagId: null },
      lag: { lagId: 'dxlag-allow001', numberOfConnections: 2 },
    });
    const refused = await postQuery(DISASSOCIATE, { input: { connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01' } });
    expect(refused.json.data.disassociateConnectionFromLag).toMatchObject({
      __typename: 'MinimumLinksViolation',
      code: 'MINIMUM_LINKS_VIOLATION',
      minimumLinks: 2,
      operationalConnections: 2,
      remainingOperationalConnections: 1,
    });
  });

  it('answers the full introspection query Apollo Sandbox sends', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const response = await postQuery(query, {}, { operationName: 'IntrospectionQuery' });
    expect(response.status, response.text.slice(0, 500)).toBe(200);
    expect(response.json.errors).toBeUndefined();
    const types = response.json.data.__schema.types.map((t: { name: string }) => t.name);
    expect(types).toEqual(expect.arrayContaining(['Connection', 'Lag', 'DirectConnectErrorCode', 'DisassociateConnectionFromLagResult']));
    await expectNoAwsCall();
  });
});
