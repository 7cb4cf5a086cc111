import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { audited, type ChangeRecording } from '../../../src/audit/audited.js';
import { AuditUnwritable, createAuditTrail, type AuditTrail } from '../../../src/audit/trail.js';
import type { Caller } from '../../../src/auth/roles.js';
import { GatewayError } from '../../../src/errors/GatewayError.js';
import { createMetrics } from '../../../src/metrics.js';
import { MemoryHistory } from '../../../src/audit/history.js';
import { changeTiming } from '../../../src/audit/timing.js';
import { capturedLogger } from '../../helpers/logger.js';

// src/audit/audited.ts: a real call is audited before the cut (an intent, opened
// once the change is known, then an outcome linked to it) and goes no further when
// the intent cannot be written; a dry run, or a real call refused before its intent,
// leaves one record (docs/contract.md, "The mutations").

const actor = { caller: { id: 'alice', roles: ['dx:operate'], via: 'jwt' } as unknown as Caller, requestId: 'req-7' };
const input = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'chg-42', expectedPlanToken: 'p1.secret.token' };
const success = { __typename: 'DisassociateConnectionFromLagSuccess', dryRun: false, awsRequestId: 'aws-req-1' };

/** A real call as runChange makes one: its intent opened, then `change` (what would call AWS) run, the call sent. */
const opening =
  <T>(change: () => Promise<T> | T) =>
  async (recording: ChangeRecording | undefined): Promise<T> => {
    await recording!.open('fingerprint-1');
    recording!.sent = true;
    return change();
  };

async function fileTrail() {
  const file = join(mkdtempSync(join(tmpdir(), 'dxgraph-audited-')), 'audit.jsonl');
  const metrics = createMetrics();
  const trail = await createAuditTrail(capturedLogger().logger, file, metrics.auditWriteFailures);
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);
  return { trail, lines, metrics };
}

/** A trail whose intent fails, and that says whatever else it was asked to write. */
function failingTrail() {
  const written: string[] = [];
  const trail: AuditTrail = {
    intent: vi.fn(async () => {
      throw new AuditUnwritable('the audit file could not be written: ENOSPC: no space left on device', 'ENOSPC (AUDIT_LOG_FILE /dev/full)');
    }),
    record: vi.fn(async (fields) => {
      written.push(fields.outcome);
    }),
    healthy: () => ({ ok: false, reason: 'ENOSPC (AUDIT_LOG_FILE /dev/full)' }),
    history: new MemoryHistory(),
    timing: changeTiming({ timeoutMs: 10_000, maxAttempts: 3 }, 10_000),
    settle: async () => false,
    close: async () => {},
    recheck: async () => ({ ok: false, reason: 'ENOSPC (AUDIT_LOG_FILE /dev/full)' }),
  };
  return { trail, written };
}

describe('Function: audited, a real call', () => {
  it('does not attempt the change when the intent cannot be written, and answers AuditUnavailable, writing nothing else', async () => {
    const { trail, written } = failingTrail();
    const change = vi.fn(async () => success);
    const result = await audited(trail, actor, 'disassociateConnectionFromLag', input, opening(change), { change: true });
    expect(change).not.toHaveBeenCalled();
    expect(result).toMatchObject({ __typename: 'AuditUnavailable', code: 'AUDIT_UNAVAILABLE', retryable: true, replayed: false });
    expect((result as { message: string }).message).toContain('ENOSPC: no space left on device');
    expect((result as { message: string }).message).not.toContain('/dev/full');
    expect(written).toEqual([]);
  });

  it('does not attempt the change on a real trail over /dev/full either', async () => {
    const metrics = createMetrics();
    const trail = await createAuditTrail(capturedLogger().logger, '/dev/full', metrics.auditWriteFailures);
    const change = vi.fn(async () => success);
    const result = await audited(trail, actor, 'updateLagMinimumLinks', { lagId: 'dxlag-allow001', minimumLinks: 2 }, opening(change), { change: true });
    expect(change).not.toHaveBeenCalled();
    expect(result).toMatchObject({ __typename: 'AuditUnavailable', code: 'AUDIT_UNAVAILABLE' });
    expect(trail.healthy().ok).toBe(false);
    expect((await metrics.auditWriteFailures.get()).values.find((v) => v.labels.kind === 'intent')?.value).toBe(1);
  });

  it('writes the intent before attempting, then the outcome linked to it', async () => {
    const { trail, lines } = await fileTrail();
    let seenWhileAttempting: Array<Record<string, any>> = [];
    const result = await audited(
      trail,
      actor,
      'disassociateConnectionFromLag',
      input,
      opening(() => {
        seenWhileAttempting = lines();
        return success;
      }),
      { change: true },
    );
    expect(result).toBe(success);
    const [intent, outcome, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(seenWhileAttempting).toEqual([intent]);
    const who = { requestId: 'req-7', caller: 'alice', roles: ['dx:operate'], operation: 'disassociateConnectionFromLag', clientRequestId: 'chg-42' };
    expect(intent).toMatchObject({ kind: 'intent', ...who, fingerprint: 'fingerprint-1', input: { ...input, expectedPlanToken: expect.stringMatching(/^sha256:/) } });
    expect(outcome).toMatchObject({
      kind: 'outcome',
      intentId: intent!.id,
      ...who,
      input: intent!.input,
      outcome: 'SUCCESS',
      awsRequestId: 'aws-req-1',
      sent: true,
      uncertain: false,
    });
    expect(outcome!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("records a typed member's code, and a thrown error's code, as the outcome; a sent call that failed is uncertain", async () => {
    const { trail, lines } = await fileTrail();
    await audited(
      trail,
      actor,
      'disassociateConnectionFromLag',
      input,
      opening(async () => ({ __typename: 'MinimumLinksViolation', code: 'MINIMUM_LINKS_VIOLATION', awsRequestId: 'aws-2' })),
      { change: true },
    );
    await audited(trail, actor, 'disassociateConnectionFromLag', input, opening(async () => ({ __typename: 'AwsServiceError', code: 'AWS_UNAVAILABLE', awsRequestId: null })), {
      change: true,
    });
    await expect(
      audited(trail, actor, 'disassociateConnectionFromLag', input, opening(async () => {
        throw new TypeError('a bug');
      }), { change: true }),
    ).rejects.toThrow('a bug');
    expect(lines().map((r) => [r.kind, r.outcome, r.sent, r.uncertain])).toEqual([
      ['intent', undefined, undefined, undefined],
      ['outcome', 'MINIMUM_LINKS_VIOLATION', true, false],
      ['intent', undefined, undefined, undefined],
      ['outcome', 'AWS_UNAVAILABLE', true, true],
      ['intent', undefined, undefined, undefined],
      ['outcome', 'INTERNAL_SERVER_ERROR', true, true],
    ]);
  });

  it('leaves one attempt record, and no intent, for a real call refused before its intent (bad input, no permission)', async () => {
    const { trail, lines } = await fileTrail();
    const refused = { __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'lagId', awsRequestId: null };
    await audited(trail, actor, 'disassociateConnectionFromLag', input, async () => refused, { change: true });
    const forbidden = new GatewayError('FORBIDDEN', 'no', { httpStatus: 403 });
    await expect(
      audited(trail, actor, 'disassociateConnectionFromLag', input, async () => {
        throw forbidden;
      }, { change: true }),
    ).rejects.toBe(forbidden);
    expect(lines().map((r) => [r.kind, r.outcome])).toEqual([
      ['attempt', 'BAD_USER_INPUT'],
      ['attempt', 'FORBIDDEN'],
    ]);
  });

  it('records clientRequestId as null when none was sent', async () => {
    const { trail, lines } = await fileTrail();
    await audited(trail, actor, 'disassociateConnectionFromLag', { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' }, opening(() => success), { change: true });
    expect(lines().map((r) => r.clientRequestId)).toEqual([null, null]);
  });
});

describe('Function: audited, a dry run', () => {
  it('writes one attempt record after it, and no intent', async () => {
    const { trail, lines } = await fileTrail();
    const dry = { ...success, dryRun: true, awsRequestId: null };
    expect(await audited(trail, actor, 'disassociateConnectionFromLag', { ...input, dryRun: true }, async () => dry, { change: false })).toBe(dry);
    expect(lines()).toEqual([
      expect.objectContaining({ kind: 'attempt', outcome: 'SUCCESS', awsRequestId: null, clientRequestId: 'chg-42', input: expect.objectContaining({ dryRun: true }) }),
    ]);
  });

  it('still runs when the sink cannot be written, as it changes nothing; the lost record is logged and counted', async () => {
    const metrics = createMetrics();
    const log = capturedLogger();
    const trail = await createAuditTrail(log.logger, '/dev/full', metrics.auditWriteFailures);
    const dry = { ...success, dryRun: true, awsRequestId: null };
    const attempt = vi.fn(async () => dry);
    expect(await audited(trail, actor, 'disassociateConnectionFromLag', { ...input, dryRun: true }, attempt, { change: false })).toBe(dry);
    expect(attempt).toHaveBeenCalledOnce();
    expect(log.lines.find((l) => l.audit?.kind === 'attempt')).toMatchObject({ level: 50, audit: { outcome: 'SUCCESS' } });
    expect((await metrics.auditWriteFailures.get()).values.find((v) => v.labels.kind === 'attempt')?.value).toBe(1);
  });
});
