-- What a retried clientRequestId and reconciliation need beyond the first design
-- (docs/change-record.md): an intent's fingerprint (the resolved input and plan a
-- clientRequestId is bound to, as exactly-once compares them), and for an outcome
-- whether its call was sent and whether it left AWS's state unknown (sent, then
-- AWS unreachable or failing), which reconciliation settles like a missing outcome.

-- Up Migration
ALTER TABLE dxgraph_audit_records
  ADD COLUMN fingerprint text,
  ADD COLUMN sent boolean,
  ADD COLUMN uncertain boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE dxgraph_audit_records
  DROP COLUMN fingerprint,
  DROP COLUMN sent,
  DROP COLUMN uncertain;
