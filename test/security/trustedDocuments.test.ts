import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustedDocuments } from '../../src/http/trustedDocuments.js';
import { auditLines } from '../helpers/authRequests.js';
import { startTestGateway, totalCalls, type TestGateway } from '../helpers/gateway.js';

// TRUSTED_DOCUMENTS_FILE (docs/contract.md, "Trusted documents"): with a manifest in
// the shape GraphQL Code Generator's client preset writes (persisted-documents.json),
// only its documents run, named by documentId or sent as their exact text; anything
// else is refused with DOCUMENT_NOT_TRUSTED before execution, and a refused change is
// audited as refused.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LAGS = 'query Lags { lags { lagId } }';
const DRY_RUN = 'mutation DryRun($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) { __typename } }';

let dir: string;
let auditFile: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgraph-trusted-'));
  auditFile = join(dir, 'audit.jsonl');
  const manifest = join(dir, 'persisted-documents.json');
  await writeFile(manifest, JSON.stringify({ [sha256(LAGS)]: LAGS, [sha256(DRY_RUN)]: DRY_RUN }));
  gw = await startTestGateway({ TRUSTED_DOCUMENTS_FILE: manifest, AUDIT_LOG_FILE: auditFile });
});
afterAll(async () => {
  await gw?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function post(body: Record<string, unknown>) {
  const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

describe('with TRUSTED_DOCUMENTS_FILE', () => {
  it('runs a listed document named by documentId, as the hash or sha256:<hash>, or sent as its exact text', async () => {
    for (const body of [{ documentId: sha256(LAGS) }, { documentId: `sha256:${sha256(LAGS)}` }, { query: LAGS }]) {
      const answer = await post(body);
      expect(answer.status).toBe(200);
      expect(answer.body.data.lags.map((l: { lagId: string }) => l.lagId)).toContain('dxlag-allow001');
    }
    const get = await fetch(`${gw.url}?documentId=${sha256(LAGS)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status, await get.clone().text()).toBe(200);
    expect(((await get.json()) as { data: { lags: unknown[] } }).data.lags.length).toBeGreaterThan(0);
  });

  it.each([
    ['an unlisted query', { query: '{ lags { lagId lagName } }' }],
    ['a listed query with one character changed', { query: LAGS.replace('lagId', 'lagid') }],
    ['a listed query with a space added', { query: `${LAGS} ` }],
    ['an unknown documentId', { documentId: sha256('{ lags { lagId lagName } }') }],
    ['a documentId with other text beside it', { documentId: sha256(LAGS), query: '{ connections { connectionId } }' }],
    ['introspection, which the manifest does not hold', { query: getIntrospectionQuery() }],
  ])('refuses %s with DOCUMENT_NOT_TRUSTED before execution', async (_name, body) => {
    await gw.reset();
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'DOCUMENT_NOT_TRUSTED', retryable: false });
    expect(answer.body.data).toBeUndefined();
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('refuses unlisted documents sent by GET too, however many parameters pad the URL, and batches', async () => {
    await gw.reset();
    const padding = Array.from({ length: 1100 }, (_, i) => `p${i}=1`).join('&');
    for (const search of [`query=${encodeURIComponent('{ lags { lagId lagName } }')}`, `${padding}&query=${encodeURIComponent('{ lags { lagId lagName } }')}`, `query=${encodeURIComponent(LAGS)}&query=${encodeURIComponent('{ x }')}`]) {
      const response = await fetch(`${gw.url}?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(response.status, search.slice(-60)).toBe(400);
      expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
    }
    const batch = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: LAGS }, { query: '{ x }' }]) });
    expect(batch.status).toBe(400);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('audits a change sent as unlisted text as refused, and calls nothing', async () => {
    await gw.reset();
    const before = (await auditLines(auditFile)).length;
    const answer = await post({
      query: 'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } }',
    });
    expect(answer.status).toBe(400);
    const records = (await auditLines(auditFile)).slice(before);
    expect(records).toEqual([
      expect.objectContaining({ kind: 'attempt', operation: 'disassociateConnectionFromLag', outcome: 'DOCUMENT_NOT_TRUSTED', input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' } }),
    ]);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('runs a listed mutation with its variables', async () => {
    const answer = await post({ documentId: sha256(DRY_RUN), variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true } } });
    expect(answer.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
  });
});

describe('a manifest that cannot be used stops start-up with a message saying why', () => {
  it.each([
    ['missing', null, /cannot be read: ENOENT/],
    ['not JSON', 'nope', /is not JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['a key that is not a hash', JSON.stringify({ lags: LAGS }), /not a SHA-256 hex hash/],
    ['a text that does not hash to its key', JSON.stringify({ [sha256(LAGS)]: `${LAGS} ` }), /whose SHA-256 is/],
    ['empty', '{}', /lists no documents/],
  ])('%s', async (_name, text, message) => {
    const file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.json`);
    if (text !== null) await writeFile(file, text);
    await expect(loadTrustedDocuments(file)).rejects.toThrow(message);
    await expect(startTestGateway({ TRUSTED_DOCUMENTS_FILE: file })).rejects.toThrow(/TRUSTED_DOCUMENTS_FILE/);
  });
});
