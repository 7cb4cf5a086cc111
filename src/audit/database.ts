import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { EARLIER_LIMIT, SETTLE_WITHIN_MS, statusOf, UNSETTLED_LIMIT, type Change, type ChangeFilter, type ChangeHistory, type ChangePage } from './history.js';
import type { AuditRecord, OutcomeRecord } from './records.js';

// The change record in PostgreSQL (AUDIT_DATABASE_URL), shared by every replica: one
// row per audit record, in migrations/ (made and migrated at start-up by
// node-pg-migrate, which holds an advisory lock so replicas starting together take
// turns). A write answers only once its row is committed; every statement is bounded
// in time, so a database that hangs refuses changes instead of holding them.

/** Where the migrations live: migrations/ at the package root, from src/audit or dist/audit alike. */
const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Every statement answers or fails within this: a hung database must not hang a change. */
const STATEMENT_TIMEOUT_MS = 5000;

export interface AuditDatabase {
  /** The database as logs and /readyz name it: host, port and name, never a password. */
  readonly name: string;
  /** Inserts one record; resolves once it is committed. */
  write(record: AuditRecord): Promise<void>;
  /** Writes `outcome` only if nothing has settled its intent yet; whether it did. */
  settle(outcome: OutcomeRecord): Promise<boolean>;
  /** A write that is rolled back: does the table take rows (the database up, not read-only, not full)? */
  probe(): Promise<void>;
  readonly history: ChangeHistory;
  /**
   * Whether this replica holds the lock `name`, taking it if it is free: a session's
   * advisory lock on a connection kept for it, so a replica that dies (its connection
   * with it) lets go at once, and another takes it on its next try.
   */
  holdLock(name: string): Promise<boolean>;
  close(): Promise<void>;
}

/** "db.internal:5432/dxgraph": enough to find it, nothing secret. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return 'the database';
  }
}

/** Each column a record fills, with its SQL type (a SELECT of parameters needs them spelt out). */
const COLUMNS = [
  ['id', 'uuid'],
  ['kind', 'text'],
  ['intent_id', 'uuid'],
  ['recorded_at', 'timestamptz'],
  ['request_id', 'text'],
  ['caller', 'text'],
  ['roles', 'text[]'],
  ['operation', 'text'],
  ['region', 'text'],
  ['resource_ids', 'text[]'],
  ['client_request_id', 'text'],
  ['input', 'jsonb'],
  ['outcome', 'text'],
  ['aws_request_id', 'text'],
  ['duration_ms', 'integer'],
  ['replayed', 'boolean'],
  ['warnings', 'text[]'],
  ['deadline', 'timestamptz'],
  ['settled_by', 'text'],
  ['fingerprint', 'text'],
  ['sent', 'boolean'],
  ['uncertain', 'boolean'],
] as const;
const NAMES = COLUMNS.map(([name]) => name).join(', ');

const INSERT = `INSERT INTO dxgraph_audit_records (${NAMES}) VALUES (${COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})`;

/** A record as its row's values, in COLUMNS order. Probes are never rows. */
function valuesOf(record: Exclude<AuditRecord, { kind: 'probe' }>): unknown[] {
  const outcome = record.kind === 'intent' ? undefined : record;
  return [
    record.id,
    record.kind,
    record.kind === 'outcome' ? record.intentId : null,
    record.time,
    record.requestId,
    record.caller,
    [...record.roles],
    record.operation,
    record.region ?? null,
    [...(record.resourceIds ?? [])],
    record.clientRequestId,
    record.input === undefined ? null : JSON.stringify(record.input),
    outcome?.outcome ?? null,
    outcome?.awsRequestId ?? null,
    outcome?.durationMs ?? null,
    outcome?.replayed === true,
    [...(outcome?.warnings ?? [])],
    record.kind === 'intent' ? record.deadline : null,
    record.kind === 'outcome' ? (record.settledBy ?? null) : null,
    record.kind === 'intent' ? (record.fingerprint ?? null) : null,
    outcome?.sent ?? null,
    outcome?.uncertain === true,
  ];
}

/**
 * An intent with the outcome that says most of how it ended (history.ts,
 * outcomeRank): the attempt's own answer, then a settlement, then an attempt that
 * could not tell.
 */
const CHANGES = `
  SELECT i.seq, i.id, i.operation, i.caller, i.roles, i.request_id, i.region, i.resource_ids, i.client_request_id,
         i.fingerprint, i.input, i.recorded_at, i.deadline,
         o.outcome, o.aws_request_id, o.recorded_at AS completed_at, o.warnings, o.replayed, o.settled_by, o.uncertain
    FROM dxgraph_audit_records i
    LEFT JOIN LATERAL (
      SELECT outcome, aws_request_id, recorded_at, warnings, replayed, settled_by, uncertain
        FROM dxgraph_audit_records o
       WHERE o.kind = 'outcome' AND o.intent_id = i.id
       ORDER BY CASE WHEN o.settled_by IS NOT NULL THEN 1 WHEN o.uncertain THEN 2 ELSE 0 END, o.seq
       LIMIT 1
    ) o ON true
   WHERE i.kind = 'intent'`;

interface ChangeRow {
  seq: string;
  id: string;
  operation: string;
  caller: string | null;
  roles: string[];
  request_id: string;
  region: string | null;
  resource_ids: string[];
  client_request_id: string | null;
  fingerprint: string | null;
  input: unknown;
  recorded_at: Date;
  deadline: Date;
  outcome: string | null;
  aws_request_id: string | null;
  completed_at: Date | null;
  warnings: string[] | null;
  replayed: boolean | null;
  settled_by: string | null;
  uncertain: boolean | null;
}

function changeOfRow(row: ChangeRow): Change {
  return {
    id: row.id,
    operation: row.operation,
    caller: row.caller,
    roles: row.roles,
    requestId: row.request_id,
    region: row.region,
    resourceIds: row.resource_ids,
    clientRequestId: row.client_request_id,
    fingerprint: row.fingerprint,
    input: row.input,
    status: statusOf(row.outcome, row.uncertain === true),
    outcome: row.outcome,
    awsRequestId: row.aws_request_id,
    requestedAt: row.recorded_at,
    completedAt: row.completed_at,
    deadline: row.deadline,
    warnings: row.warnings ?? [],
    replayed: row.replayed === true,
    settled: row.settled_by === 'reconciliation',
  };
}

/** Connects, migrates, and answers once the table is there; throws what an operator must fix. */
export async function openAuditDatabase(url: string, logger: Logger): Promise<AuditDatabase> {
  const name = describeDatabase(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS,
    application_name: 'dxgraph',
  });
  // An idle connection the server cuts (a restart, a failover) is dropped and made
  // again on the next query; unheard, the pool's error would end the process.
  pool.on('error', (error) => logger.warn({ database: name, error: error.message }, 'a connection to the audit database was lost; the next write reconnects'));

  try {
    // A client of its own, without the pool's statement timeout: waiting for another
    // replica's migration (the lock) or running a long one must not fail start-up.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: STATEMENT_TIMEOUT_MS, application_name: 'dxgraph migrations' });
    client.on('error', (error) => logger.warn({ database: name, error: error.message }, 'the audit database connection for migrations was lost'));
    await client.connect();
    try {
      await runner({
        dbClient: client,
        dir: MIGRATIONS,
        direction: 'up',
        migrationsTable: 'dxgraph_migrations',
        checkOrder: true,
        // Replicas starting together take turns; the first migrates, the others find it done.
        advisoryLockMode: 'wait',
        logger: {
          debug: (message: string) => logger.debug({ database: name }, message),
          info: (message: string) => logger.debug({ database: name }, message),
          warn: (message: string) => logger.warn({ database: name }, message),
          error: (message: string) => logger.error({ database: name }, message),
        },
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`AUDIT_DATABASE_URL (${name}) cannot be used: ${(error as Error).message}`);
  }

  const history: ChangeHistory = {
    scope: 'fleet',
    async list(filter: ChangeFilter, first: number, before?: number): Promise<ChangePage> {
      const values: unknown[] = [];
      const where: string[] = ['o.replayed IS NOT TRUE'];
      const bind = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      if (before !== undefined) where.push(`i.seq < ${bind(before)}`);
      const ids = [filter.lagId, filter.connectionId, filter.virtualInterfaceId].filter((id): id is string => id !== undefined);
      if (ids.length > 0) where.push(`i.resource_ids @> ${bind(ids)}::text[]`);
      if (filter.caller !== undefined) where.push(`i.caller = ${bind(filter.caller)}`);
      if (filter.region !== undefined) where.push(`i.region = ${bind(filter.region)}`);
      if (filter.since !== undefined) where.push(`i.recorded_at >= ${bind(filter.since)}`);
      const { rows } = await pool.query<ChangeRow>(`${CHANGES} AND ${where.join(' AND ')} ORDER BY i.seq DESC LIMIT ${bind(first + 1)}`, values);
      return {
        changes: rows.slice(0, first).map((row) => ({ position: Number(row.seq), change: changeOfRow(row) })),
        hasNextPage: rows.length > first,
      };
    },
    async unsettled() {
      const { rows } = await pool.query<ChangeRow>(
        `${CHANGES} AND (o.outcome IS NULL OR o.uncertain) AND i.recorded_at >= now() - $1 * interval '1 millisecond' ORDER BY i.seq DESC LIMIT $2`,
        [SETTLE_WITHIN_MS, UNSETTLED_LIMIT],
      );
      return rows.map(changeOfRow);
    },
    async earlierFor(operation, caller, clientRequestId, exceptIntentId) {
      // `=` (not IS NOT DISTINCT FROM) so the index on (operation, caller, client_request_id) serves it.
      const { rows } = await pool.query<ChangeRow>(
        `${CHANGES} AND i.operation = $1 AND ${caller === null ? 'i.caller IS NULL AND $2::text IS NULL' : 'i.caller = $2'} AND i.client_request_id = $3
           AND i.id <> $4 AND o.replayed IS NOT TRUE ORDER BY i.seq DESC LIMIT $5`,
        [operation, caller, clientRequestId, exceptIntentId ?? '00000000-0000-0000-0000-000000000000', EARLIER_LIMIT],
      );
      return rows.map(changeOfRow);
    },
  };

  // The connections that hold this replica's advisory locks, by lock name.
  const locks = new Map<string, pg.PoolClient>();
  const database: AuditDatabase = {
    name,
    history,
    async write(record) {
      if (record.kind === 'probe') return database.probe();
      await pool.query(INSERT, valuesOf(record));
    },
    async settle(outcome) {
      const values = valuesOf(outcome);
      const { rowCount } = await pool.query(
        `INSERT INTO dxgraph_audit_records (${NAMES})
         SELECT ${COLUMNS.map(([, type], index) => `$${index + 1}::${type}`).join(', ')}
          WHERE NOT EXISTS (SELECT 1 FROM dxgraph_audit_records WHERE kind = 'outcome' AND intent_id = $3::uuid AND NOT uncertain)
         ON CONFLICT DO NOTHING`,
        values,
      );
      return rowCount === 1;
    },
    async probe() {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        try {
          await client.query(INSERT, valuesOf({
            kind: 'attempt',
            id: randomUUID(),
            time: new Date().toISOString(),
            requestId: 'probe',
            caller: null,
            roles: [],
            operation: 'probe',
            input: null,
            clientRequestId: null,
            outcome: 'PROBE',
            awsRequestId: null,
            durationMs: 0,
          }));
        } finally {
          await client.query('ROLLBACK');
        }
      } finally {
        client.release();
      }
    },
    async holdLock(lockName) {
      const held = locks.get(lockName);
      if (held) {
        // Still ours while its connection answers; a cut connection took the lock with it.
        if (await held.query('SELECT 1').then(() => true, () => false)) return true;
        locks.delete(lockName);
        held.release(true);
      }
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS taken', [lockName]);
        if (rows[0]?.taken) {
          // A connection the server cuts while it holds the lock must not end the process; the next try notices.
          client.on('error', (error) => logger.warn({ database: name, lock: lockName, error: error.message }, 'the connection holding a lock was lost'));
          locks.set(lockName, client);
          return true;
        }
      } catch (error) {
        client.release(true);
        throw error;
      }
      client.release();
      return false;
    },
    async close() {
      for (const client of locks.values()) client.release(true);
      locks.clear();
      await pool.end();
    },
  };
  return database;
}
