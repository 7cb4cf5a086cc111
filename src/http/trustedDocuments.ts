import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { NextFunction, Request, Response } from 'express';
import { recordAttempt, type AuditTrail } from '../audit/trail.js';
import type { Caller } from '../auth/roles.js';
import { errorBody } from '../errors/masking.js';
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

/** The request's GraphQL parameters, from a POST body or a GET query string. */
function parameters(req: Request): Record<string, unknown> | undefined {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  return source && typeof source === 'object' ? (source as Record<string, unknown>) : undefined;
}

export function trustedDocumentsOnly(documents: TrustedDocuments, audit: AuditTrail) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // A batch of operations: Apollo refuses batching, and so does this, for each document unseen.
    if (Array.isArray(req.body)) return refuse(req, res, audit, 'Batched requests are not accepted; send one document per request.');
    const params = parameters(req);
    // Apollo's landing page (a GET without a document) and bodies Apollo refuses anyway pass on.
    if (!params || (params.documentId === undefined && params.query === undefined)) return next();
    const { documentId, query } = params;
    if (documentId !== undefined) {
      const hash = typeof documentId === 'string' ? documentId.replace(/^sha256:/, '') : undefined;
      const listed = hash === undefined ? undefined : documents.byHash.get(hash);
      if (listed !== undefined && (query === undefined || query === listed)) {
        if (req.method === 'GET') {
          // Apollo reads a GET's parameters from the URL itself.
          const [path, search = ''] = req.url.split('?');
          const query = new URLSearchParams(search);
          query.delete('documentId');
          query.set('query', listed);
          req.url = `${path}?${query.toString()}`;
        } else {
          const { documentId: _named, ...rest } = params;
          req.body = { ...rest, query: listed };
        }
        return next();
      }
      return refuse(req, res, audit, `documentId ${JSON.stringify(String(documentId).slice(0, 80))} is not a trusted document of this gateway.`);
    }
    if (typeof query === 'string' && documents.texts.has(query)) return next();
    return refuse(
      req,
      res,
      audit,
      'This gateway runs trusted documents only: send the documentId of a document in its TRUSTED_DOCUMENTS_FILE, or that document\'s exact text.',
    );
  };
}

async function refuse(req: Request, res: Response, audit: AuditTrail, message: string): Promise<void> {
  const startedAt = performance.now();
  // A change refused here never reaches its resolver: it is audited as refused here.
  for (const attempt of mutationAttempts(parameters(req))) {
    await recordAttempt(
      audit,
      { caller: (res.locals.caller as Caller | undefined) ?? null, requestId: String(req.id) },
      { ...attempt, outcome: 'DOCUMENT_NOT_TRUSTED', awsRequestId: null, startedAt },
    );
  }
  res.status(400).json(errorBody('DOCUMENT_NOT_TRUSTED', message));
}
