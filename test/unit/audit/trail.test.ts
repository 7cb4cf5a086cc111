import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { auditableInput, AuditUnwritable, createAuditTrail, type AuditSubject } from '../../../src/audit/trail.js';
import { createMetrics } from '../../../src/metrics.js';
import { capturedLogger } from '../../helpers/logger.js';

// src/audit/trail.ts: what an audit record keeps of a mutation's input, and how the
// trail writes records. The records through the gateway: test/security/ and test/graphql/.

// Every file operation the trail makes, in order, to see that it syncs before it resolves;
// and a disk that fills in the middle of the next line, when asked.
const fileOps = vi.hoisted(() => [] as string[]);
const disk = vi.hoisted(() => ({ fillsMidLine: false, hangs: undefined as Promise<void> | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      fileOps.push(`open ${String(args[0])} ${String(args[1])}`);
      return new Proxy(handle, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (typeof value !== 'function' || typeof name !== 'string') return value;
          return async (...callArgs: unknown[]) => {
            fileOps.push(name);
            if (name === 'writeFile' && disk.hangs) await disk.hangs;
            if (name === 'writeFile' && disk.fillsMidLine) {
              disk.fillsMidLine = false;
              const line = String(callArgs[0]);
              await target.writeFile(line.slice(0, line.length / 2));
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            }
            return value.apply(target, callArgs);
          };
        },
      });
    },
  };
});

const subject = (overrides: Partial<AuditSubject> = {}): AuditSubject => ({
  time: new Date().toISOString(),
  requestId: 'req-1',
  caller: 'alice',
  roles: ['dx:operate'],
  operation: 'disassociateConnectionFromLag',
  input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'chg-1' },
  clientRequestId: 'chg-1',
  ...overrides,
});
const result = { outcome: 'SUCCESS', awsRequestId: 'aws-1', durationMs: 12 };

const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxgraph-trail-'));
  return { dir, file: join(dir, 'audit.jsonl') };
};
const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
const failures = async (metrics: ReturnType<typeof createMetrics>) =>
  Object.fromEntries((await metrics.auditWriteFailures.get()).values.map((v) => [v.labels.kind, v.value]));

beforeEach(() => {
  fileOps.length = 0;
});

describe('Function: auditableInput', () => {
  it('keeps a plan token by a digest that tells plans apart, never the token', () => {
    const token = `p1.${'a'.repeat(500)}.${'b'.repeat(43)}`;
    const kept = auditableInput({ connectionId: 'dxcon-allow01a', expectedPlanToken: token }) as Record<string, string>;
    expect(kept).toEqual({ connectionId: 'dxcon-allow01a', expectedPlanToken: expect.stringMatching(/^sha256:[0-9a-f]{32}$/) });
    expect(JSON.stringify(kept)).not.toContain('aaaa');
    expect((auditableInput({ expectedPlanToken: `${token}x` }) as Record<string, string>).expectedPlanToken).not.toBe(kept.expectedPlanToken);
    expect((auditableInput({ expectedPlanToken: token }) as Record<string, string>).expectedPlanToken).toBe(kept.expectedPlanToken);
  });

  it('cuts a long list to its first 16 items and a count, and keeps a short one as it is', () => {
    const bgpPeerIds = Array.from({ length: 9000 }, (_, i) => `dxpeer-${i}`);
    const kept = auditableInput({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeerIds }) as { bgpPeerIds: string[] };
    expect(kept.bgpPeerIds).toHaveLength(17);
    expect(kept.bgpPeerIds.slice(0, 2)).toEqual(['dxpeer-0', 'dxpeer-1']);
    expect(kept.bgpPeerIds[16]).toBe('… and 8984 more');
    const short = { virtualInterfaceId: 'dxvif-allow01pv', bgpPeerIds: ['dxpeer-allow01pv4'] };
    expect(auditableInput(short)).toBe(short);
  });

  it('leaves every other input as it is', () => {
    const input = { connectionId: 'dxcon-allow01a', dryRun: true, expectedPlanToken: null };
    expect(auditableInput(input)).toBe(input);
    expect(auditableInput(null)).toBeNull();
    expect(auditableInput('text')).toBe('text');
  });
});

describe('Function: createAuditTrail, with AUDIT_LOG_FILE', () => {
  it('has the intent written and synced to the file before it resolves, and resolves to its id', async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file);
    fileOps.length = 0;
    const id = await trail.intent(subject());
    expect(fileOps).toEqual([`open ${file} a`, 'stat', 'writeFile', 'datasync', 'close']);
    expect(linesOf(file)).toEqual([{ kind: 'intent', id, ...subject(), time: expect.any(String), deadline: expect.any(String) }]);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('links the outcome to its intent and repeats who, what and the input on it', async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file);
    const intentId = await trail.intent(subject());
    await trail.record({ ...subject(), intentId, ...result });
    const [intent, outcome] = linesOf(file);
    expect(outcome).toMatchObject({ kind: 'outcome', intentId: intent!.id, ...result, ...subject(), time: expect.any(String) });
    expect(outcome!.id).not.toBe(intent!.id);
    expect(Object.keys(intent!).sort()).toEqual(['caller', 'clientRequestId', 'deadline', 'id', 'input', 'kind', 'operation', 'requestId', 'roles', 'time']);
    // By its deadline (the AWS client's default windows here: timing.ts) the attempt has ended, whatever happened to it:
    // a send window of 10 + 5 + 2 × 10 s, a call window of 3 × 10 + 2 s, the last attempt's 2 × 10 s and AWS's 20 s.
    expect(Date.parse(intent!.deadline) - Date.parse(intent!.time)).toBe(107_000);
    expect(Object.keys(outcome!).sort()).toEqual([
      'awsRequestId', 'caller', 'clientRequestId', 'durationMs', 'id', 'input', 'intentId', 'kind', 'operation', 'outcome', 'requestId', 'roles', 'time',
    ]);
  });

  it('writes a record without an intent as a single attempt record', async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file);
    await trail.record({ ...subject({ caller: null, roles: [] }), outcome: 'UNAUTHENTICATED', awsRequestId: null, durationMs: 0 });
    expect(linesOf(file)).toEqual([expect.objectContaining({ kind: 'attempt', id: expect.any(String), caller: null, outcome: 'UNAUTHENTICATED' })]);
    expect(linesOf(file)[0]).not.toHaveProperty('intentId');
  });

  it('keeps records whole and in the order they were given, however many are in flight', async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file);
    const writes = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? trail.record({ ...subject({ requestId: `r${i}` }), ...result }) : trail.intent(subject({ requestId: `r${i}` })),
    );
    await Promise.all(writes);
    expect(linesOf(file).map((r) => r.requestId)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
  });

  it('copies every record to the log as "audit", after it is in the file', async () => {
    const { file } = tempFile();
    const log = capturedLogger();
    const trail = await createAuditTrail(log.logger, file);
    const intentId = await trail.intent(subject());
    await trail.record({ ...subject(), intentId, ...result });
    expect(log.lines.filter((l) => l.msg === 'audit').map((l) => [l.level, l.audit.kind])).toEqual([
      [30, 'intent'],
      [30, 'outcome'],
    ]);
  });

  it('refuses to start on a file that cannot be opened', async () => {
    const { dir } = tempFile();
    await expect(createAuditTrail(capturedLogger().logger, join(dir, 'missing', 'audit.jsonl'))).rejects.toThrow(/AUDIT_LOG_FILE .* cannot be written: ENOENT/);
  });
});

describe('Function: createAuditTrail, when a write fails', () => {
  it('rejects the intent on a full device, reports the sink unhealthy with the code and path, and counts it', async () => {
    const metrics = createMetrics();
    // /dev/full takes the start-up check (an empty append) and fails every real write.
    const trail = await createAuditTrail(capturedLogger().logger, '/dev/full', metrics.auditWriteFailures);
    expect(trail.healthy()).toEqual({ ok: true });
    const failed = await trail.intent(subject()).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(AuditUnwritable);
    expect((failed as AuditUnwritable).reason).toBe('the audit file could not be written: ENOSPC: no space left on device');
    expect(trail.healthy()).toEqual({ ok: false, reason: 'ENOSPC: no space left on device (AUDIT_LOG_FILE /dev/full)' });
    expect(await failures(metrics)).toEqual({ intent: 1, outcome: 0, attempt: 0 });
  });

  it('notices a file whose directory went away after start-up, and is healthy again after the next good write', async () => {
    const metrics = createMetrics();
    const { dir, file } = tempFile();
    const log = capturedLogger();
    const trail = await createAuditTrail(log.logger, file, metrics.auditWriteFailures);
    await trail.intent(subject({ requestId: 'before' }));
    rmSync(dir, { recursive: true });

    await expect(trail.intent(subject({ requestId: 'lost' }))).rejects.toThrow(AuditUnwritable);
    expect(trail.healthy()).toEqual({ ok: false, reason: `ENOENT: no such file or directory (AUDIT_LOG_FILE ${file})` });
    expect(log.lines.find((l) => l.requestId === 'lost')).toMatchObject({ level: 50, operation: 'disassociateConnectionFromLag', reason: trail.healthy().reason });
    expect(log.lines.some((l) => l.msg === 'audit' && l.audit.requestId === 'lost')).toBe(false);

    // An outcome or a dry run's record that cannot be written does not reject: it is logged (fatal for an outcome) and counted.
    await expect(trail.record({ ...subject({ requestId: 'cut' }), intentId: 'i-1', ...result })).resolves.toBeUndefined();
    await expect(trail.record({ ...subject({ requestId: 'dry' }), ...result })).resolves.toBeUndefined();
    expect(log.lines.find((l) => l.audit?.requestId === 'cut')).toMatchObject({ level: 60, audit: { kind: 'outcome', intentId: 'i-1' } });
    expect(log.lines.find((l) => l.audit?.requestId === 'dry')).toMatchObject({ level: 50, audit: { kind: 'attempt' } });
    expect(await failures(metrics)).toEqual({ intent: 1, outcome: 1, attempt: 1 });

    mkdirSync(dir);
    await trail.intent(subject({ requestId: 'after' }));
    expect(trail.healthy()).toEqual({ ok: true });
    // The refused intent's outcome, owed since, lands once the sink takes writes again.
    await trail.close();
    expect(linesOf(file).map((r) => [r.kind, r.requestId, r.outcome])).toEqual([
      ['intent', 'after', undefined],
      ['outcome', 'lost', 'AUDIT_UNAVAILABLE'],
    ]);
    expect(await failures(metrics)).toEqual({ intent: 1, outcome: 1, attempt: 1 });
  });

  it('leaves no half record behind when the disk fills in the middle of a line', async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file);
    await trail.intent(subject({ requestId: 'first' }));
    disk.fillsMidLine = true;
    await expect(trail.intent(subject({ requestId: 'torn' }))).rejects.toThrow(AuditUnwritable);
    await trail.intent(subject({ requestId: 'next' }));
    await trail.close();
    // Every line whole (linesOf parses each); the refused intent is followed by the outcome that says nothing was done.
    expect(linesOf(file).map((r) => [r.kind, r.requestId])).toEqual([
      ['intent', 'first'],
      ['outcome', 'torn'],
      ['intent', 'next'],
    ]);
  });
});

describe('Function: createAuditTrail, when the disk hangs or recovers', () => {
  it('refuses an intent the disk does not take in time, instead of hanging the change', async () => {
    const { file } = tempFile();
    const metrics = createMetrics();
    const trail = await createAuditTrail(capturedLogger().logger, file, metrics.auditWriteFailures, { intentTimeoutMs: 100, probeEveryMs: 0 });
    let unhang = () => {};
    disk.hangs = new Promise<void>((resolve) => (unhang = resolve));
    const began = Date.now();
    await expect(trail.intent(subject({ requestId: 'stuck' }))).rejects.toMatchObject({ reason: expect.stringContaining('did not answer within 100 ms') });
    expect(Date.now() - began).toBeLessThan(2000);
    expect(trail.healthy()).toMatchObject({ ok: false, reason: expect.stringContaining('no write finished within 100 ms') });
    // Nor do the records and probes that queue behind it wait for it.
    const queued = Date.now();
    await trail.record({ ...subject({ requestId: 'dry' }), ...result });
    expect((await trail.recheck()).ok).toBe(false);
    expect(Date.now() - queued).toBeLessThan(2000);
    disk.hangs = undefined;
    unhang();
    // When the disk comes back, the late intent is closed by the record right behind it.
    await vi.waitFor(() => expect(linesOf(file).map((r) => r.kind)).toEqual(['intent', 'outcome', 'attempt', 'probe']));
    const [intent, closing] = linesOf(file);
    expect(closing).toMatchObject({ intentId: intent!.id, outcome: 'AUDIT_UNAVAILABLE', requestId: 'stuck' });
    // The refusal counted once; the probe that found the sink still down, not at all.
    const counted = await metrics.registry.getSingleMetricAsString('dxgraph_audit_write_failures_total');
    expect(counted).toContain('kind="intent"} 1');
    expect(counted).not.toContain('probe');
  });

  it("finds out on /readyz's recheck that a sink nothing writes to any more can be written again", async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file, undefined, { probeEveryMs: 0 });
    rmSync(file);
    mkdirSync(file); // appending to a directory fails (EISDIR)
    await expect(trail.intent(subject())).rejects.toThrow(AuditUnwritable);
    expect((await trail.recheck()).ok).toBe(false);
    rmSync(file, { recursive: true });
    expect(await trail.recheck()).toEqual({ ok: true });
    expect(linesOf(file).map((r) => r.kind)).toEqual(['probe']);
  });

  it('writes no probe while the sink is healthy', async () => {
    const { file } = tempFile();
    const trail = await createAuditTrail(capturedLogger().logger, file, undefined, { probeEveryMs: 0 });
    expect(await trail.recheck()).toEqual({ ok: true });
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});

describe('Function: createAuditTrail, without a file (the log is the sink)', () => {
  it('writes each record to the log at info', async () => {
    const log = capturedLogger();
    const trail = await createAuditTrail(log.logger);
    const intentId = await trail.intent(subject());
    await trail.record({ ...subject(), intentId, ...result });
    expect(log.lines.map((l) => [l.level, l.msg, l.audit.kind])).toEqual([
      [30, 'audit', 'intent'],
      [30, 'audit', 'outcome'],
    ]);
    expect(log.lines[1]!.audit.intentId).toBe(intentId);
  });

  it.each(['warn', 'error', 'silent'])('writes every record with LOG_LEVEL=%s too: an audit record is not a diagnostic', async (level) => {
    const log = capturedLogger(level);
    const trail = await createAuditTrail(log.logger);
    await trail.record({ ...subject(), ...result });
    log.logger.info('a diagnostic at info');
    expect(log.lines.map((l) => [l.msg, l.audit?.kind])).toEqual([['audit', 'attempt']]);
  });

  it('has written a record to the log by the time record() returns, in call order, with no timer left behind', async () => {
    vi.useFakeTimers();
    try {
      const log = capturedLogger();
      const trail = await createAuditTrail(log.logger);
      const first = trail.record({ ...subject(), ...result, outcome: 'SUCCESS' });
      const second = trail.record({ ...subject(), ...result, outcome: 'LAG_NOT_FOUND' });
      expect(log.lines.map((l) => l.audit.outcome)).toEqual(['SUCCESS', 'LAG_NOT_FOUND']);
      await Promise.all([first, second]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses the intent when the log cannot take it, and counts it', async () => {
    const metrics = createMetrics();
    const broken = {
      info: () => {
        throw Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' });
      },
      error: () => undefined,
      fatal: () => undefined,
      child: () => broken,
    };
    const trail = await createAuditTrail(broken as unknown as Logger, undefined, metrics.auditWriteFailures);
    await expect(trail.intent(subject())).rejects.toThrow(AuditUnwritable);
    expect(trail.healthy()).toEqual({ ok: false, reason: 'EPIPE: broken pipe (the log)' });
    expect(await failures(metrics)).toMatchObject({ intent: 1 });
  });
});
