-- The change record (docs/change-record.md): every audit record a replica writes, one
-- row each, in the order the replicas wrote them (seq). A change is an intent row
-- with the outcome rows that name it (intent_id): at most one outcome from the
-- attempt itself and one from reconciliation, which settles an intent the attempt
-- never finished. Dry runs and refusals before a real call are 'attempt' rows.

-- Up Migration
CREATE TABLE dxgraph_audit_records (
  seq               bigserial PRIMARY KEY,
  id                uuid NOT NULL UNIQUE,
  kind              text NOT NULL CHECK (kind IN ('intent', 'outcome', 'attempt')),
  intent_id         uuid,
  recorded_at       timestamptz NOT NULL,
  request_id        text NOT NULL,
  caller            text,
  roles             text[] NOT NULL DEFAULT '{}',
  operation         text NOT NULL,
  region            text,
  resource_ids      text[] NOT NULL DEFAULT '{}',
  client_request_id text,
  input             jsonb,
  outcome           text,
  aws_request_id    text,
  duration_ms       integer,
  replayed          boolean NOT NULL DEFAULT false,
  warnings          text[] NOT NULL DEFAULT '{}',
  -- An intent's: by then its attempt has ended, whatever happened to it.
  deadline          timestamptz,
  -- An outcome's: 'reconciliation' when AWS's state settled it, null when the attempt did.
  settled_by        text,
  CHECK ((kind = 'outcome') = (intent_id IS NOT NULL)),
  CHECK (kind <> 'intent' OR deadline IS NOT NULL)
);

-- One outcome from the attempt and one from reconciliation at most, so two
-- reconcilers (or a retried write) never settle a change twice.
CREATE UNIQUE INDEX dxgraph_audit_one_outcome ON dxgraph_audit_records (intent_id, (settled_by IS NOT NULL)) WHERE kind = 'outcome';

-- What the history queries filter intents by; seq orders them.
CREATE INDEX dxgraph_audit_intents_resources ON dxgraph_audit_records USING gin (resource_ids) WHERE kind = 'intent';
CREATE INDEX dxgraph_audit_intents_caller ON dxgraph_audit_records (caller, seq DESC) WHERE kind = 'intent';
CREATE INDEX dxgraph_audit_intents_time ON dxgraph_audit_records (recorded_at) WHERE kind = 'intent';
CREATE INDEX dxgraph_audit_intents_request ON dxgraph_audit_records (operation, caller, client_request_id, seq DESC) WHERE kind = 'intent' AND client_request_id IS NOT NULL;

-- Down Migration
DROP TABLE dxgraph_audit_records;
