import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAttempt, type AuditTrail } from '../audit/trail.js';
import type { Caller } from '../auth/roles.js';
import { errorBody } from '../errors/masking.js';
import { graphqlParameters } from './graphqlParameters.js';
import { mutationAttempts } from './mutationAttempts.js';

// Trusted documents (docs/contract.md, "Trusted documents"): with TRUSTED_DOCUMENTS_FILE
// only the documents a frontend's build listed run. The file is what GraphQL Code
// Generator's client preset writes as persisted-documents.json: an object from each
// document's SHA-256 (hex) to its text. A request names one by `documentId` (the hash,
// or `sha256:<hash>`) or sends its exact text; anything else is refused before Apollo
// parses it, and a refused change is audited as refused.

export interface TrustedDocuments {
  /** The text of a listed document, by hash. */
  byHash: ReadonlyMap<string, string>;
  texts: ReadonlySet<string>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks the manifest; any problem stops start-up with a message saying what to fix. */
export async function loadTrustedDocuments(file: string): Promise<TrustedDocuments> {
  const problem = (what: string) => new Error(`TRUSTED_DOCUMENTS_FILE ${file} ${what}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw problem(`cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw problem('is not JSON: expected an object from SHA-256 hashes to document texts, as the client preset writes persisted-documents.json');
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw problem('must be a JSON object from SHA-256 hashes to document texts');
  }
  const byHash = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (!SHA256.test(hash)) throw problem(`has a key that is not a SHA-256 hex hash: ${JSON.stringify(hash.slice(0, 80))}`);
    if (typeof document !== 'string' || document.trim() === '') throw problem(`maps ${hash} to something that is not a document's text`);
    // A hash that is not the text's would let the manifest say one thing and run another.
    if (sha256(document) !== hash) throw problem(`maps ${hash} to a text whose SHA-256 is ${sha256(document)}`);
    byHash.set(hash, document);
  }
  if (byHash.size === 0) throw problem('lists no documents: every request would be refused');
  return { byHash, texts: new Set(byHash.values()) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The refusal of a document that is not listed, or of a listed `documentId` sent with another text. */
export const NOT_TRUSTED_TEXT =
  'This gateway runs trusted documents only: send the documentId of a document in its TRUSTED_DOCUMENTS_FILE, or that document\'s exact text.';

/**
 * The text that runs for a document named by `documentId` and/or sent as `query`: the
 * listed text, or why it is refused. The one rule for HTTP and for the WebSocket.
 */
export function trustedText(documents: TrustedDocuments, documentId: unknown, query: unknown): { text: string } | { refused: string } {
  if (documentId !== undefined) {
    const hash = typeof documentId === 'string' ? documentId.replace(/^sha256:/, '') : undefined;
    const listed = hash === undefined ? undefined : documents.byHash.get(hash);
    if (listed !== undefined && (query === undefined || query === listed)) return { text: listed };
    return { refused: `documentId ${JSON.stringify(String(documentId).slice(0, 80))} is not a trusted document of this gateway.` };
  }
  if (typeof query === 'string' && documents.texts.has(query)) return { text: query };
  return { refused: NOT_TRUSTED_TEXT };
}

/**
 * What runs for a request: the same request, or a `documentId` replaced by its
 * listed text (where Apollo reads it: a POST's body, a GET's query string); or
 * undefined once the request has been refused (400 DOCUMENT_NOT_TRUSTED).
 */
export function trustedDocumentsOnly(documents: TrustedDocuments, audit: AuditTrail) {
  return async (request: FastifyRequest, reply: FastifyReply, caller: Caller, graphql: HTTPGraphQLRequest): Promise<HTTPGraphQLRequest | undefined> => {
    const refuse = (message: string) => refusal(request, reply, audit, caller, message);
    // A batch of operations: Apollo refuses batching, and so does this, for each document unseen.
    if (Array.isArray(request.body)) return refuse('Batched requests are not accepted; send one document per request.');
    const params = graphqlParameters(request);
    // Bodies without a document pass on: Apollo refuses them anyway.
    if (!params || (params.documentId === undefined && params.query === undefined)) return graphql;
    const { documentId, query } = params;
    const chosen = trustedText(documents, documentId, query);
    if ('refused' in chosen) return refuse(chosen.refused);
    if (documentId === undefined) return graphql;
    if (request.method === 'GET') {
      const search = new URLSearchParams(graphql.search);
      search.delete('documentId');
      search.set('query', chosen.text);
      return { ...graphql, search: `?${search.toString()}` };
    }
    const { documentId: _named, ...rest } = params;
    return { ...graphql, body: { ...rest, query: chosen.text } };
  };
}

async function refusal(request: FastifyRequest, reply: FastifyReply, audit: AuditTrail, caller: Caller, message: string): Promise<undefined> {
  const startedAt = performance.now();
  // A change refused here never reaches its resolver: it is audited as refused here.
  for (const attempt of mutationAttempts(graphqlParameters(request))) {
    await recordAttempt(audit, { caller, requestId: request.id }, { ...attempt, outcome: 'DOCUMENT_NOT_TRUSTED', awsRequestId: null, startedAt });
  }
  await reply.status(400).send(errorBody('DOCUMENT_NOT_TRUSTED', message));
  return undefined;
}
