import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditUnwritable, createAuditTrail, type AuditSubject } from '../../../src/audit/trail.js';
import { LogDestination } from '../../../src/logDestination.js';
import { createMetrics } from '../../../src/metrics.js';

// src/audit/trail.ts with the log as the sink, as main.ts wires it: a real pino logger
// over the log's own destination (src/logDestination.ts), whose stdout is a named pipe
// here, so its reader can go away (EPIPE) and come back. A record the log could not
// write must refuse the change, as a file that cannot be written does.

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A pipe playing stdout, and the gateway's log over it. */
function stdoutPipe(options: { level?: string; format?: 'json' | 'pretty' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dxgraph-logsink-'));
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  let reader: number | undefined = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  cleanups.push(() => {
    if (reader !== undefined) closeSync(reader);
    closeSync(writer);
    rmSync(dir, { recursive: true, force: true });
  });
  const destination = new LogDestination({ fd: writer });
  const settings = { level: options.level ?? 'info' };
  const logger = options.format === 'pretty' ? pino(settings, pretty({ destination, colorize: false })) : pino(settings, destination);
  return {
    logger,
    destination,
    /** What the log's reader has been given since last asked. */
    read(): string {
      const buffer = Buffer.alloc(65_536);
      let text = '';
      for (;;) {
        try {
          const n = readSync(reader!, buffer);
          if (n === 0) return text;
          text += buffer.subarray(0, n).toString();
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return text;
          throw error;
        }
      }
    },
    readerGoes() {
      closeSync(reader!);
      reader = undefined;
    },
    readerComesBack() {
      reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    },
  };
}

const subject = (requestId: string): AuditSubject => ({
  time: new Date().toISOString(),
  requestId,
  caller: 'alice',
  roles: ['dx:operate'],
  operation: 'disassociateConnectionFromLag',
  input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' },
  clientRequestId: null,
});
const result = { outcome: 'SUCCESS', awsRequestId: null, durationMs: 3 };

const failures = async (metrics: ReturnType<typeof createMetrics>) =>
  Object.fromEntries((await metrics.auditWriteFailures.get()).values.map((v) => [v.labels.kind, v.value]));

const auditLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((line) => line.msg === 'audit')
    .map((line) => [line.audit.kind, line.audit.requestId]);

describe('Function: createAuditTrail with the log as the sink and its writes watched', () => {
  it('writes records to the log while its reader is there', async () => {
    const stdout = stdoutPipe();
    const trail = await createAuditTrail(stdout.logger, undefined, undefined, { logWrites: stdout.destination });
    const intentId = await trail.intent(subject('ok'));
    await trail.record({ ...subject('ok'), intentId, ...result });
    expect(auditLines(stdout.read())).toEqual([
      ['intent', 'ok'],
      ['outcome', 'ok'],
    ]);
    expect(trail.healthy()).toEqual({ ok: true });
  });

  it('refuses the intent once the reader is gone (EPIPE), reports the log unhealthy, counts it, and recovers when writes succeed again', async () => {
    const stdout = stdoutPipe();
    const metrics = createMetrics();
    const trail = await createAuditTrail(stdout.logger, undefined, metrics.auditWriteFailures, { logWrites: stdout.destination, probeEveryMs: 0 });
    stdout.readerGoes();

    const refused = await trail.intent(subject('lost')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuditUnwritable);
    expect((refused as AuditUnwritable).reason).toBe('the audit log could not be written: EPIPE: broken pipe');
    expect(trail.healthy()).toEqual({ ok: false, reason: 'EPIPE: broken pipe (the log)' });
    // A dry run's record still answers, but counts and keeps the trail unhealthy.
    await expect(trail.record({ ...subject('dry'), ...result })).resolves.toBeUndefined();
    expect(trail.healthy().ok).toBe(false);
    expect(await failures(metrics)).toEqual({ intent: 1, outcome: 0, attempt: 1 });
    // /readyz's probe finds the log still unwritable, and does not count that.
    expect(await trail.recheck()).toEqual({ ok: false, reason: 'EPIPE: broken pipe (the log)' });
    expect(await failures(metrics)).toEqual({ intent: 1, outcome: 0, attempt: 1 });

    stdout.readerComesBack();
    expect(await trail.recheck()).toEqual({ ok: true });
    const probe = stdout
      .read()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(probe).toEqual([expect.objectContaining({ msg: 'audit', audit: expect.objectContaining({ kind: 'probe' }) })]);
    await expect(trail.intent(subject('back'))).resolves.toEqual(expect.any(String));
    expect(auditLines(stdout.read())).toEqual([['intent', 'back']]);
  });

  it('blames a record only for a failure during its own write: an earlier lost line does not refuse the next change', async () => {
    const stdout = stdoutPipe();
    const trail = await createAuditTrail(stdout.logger, undefined, undefined, { logWrites: stdout.destination });
    stdout.readerGoes();
    stdout.logger.info('a request log line that is lost');
    expect(stdout.destination.failures).toBe(1);
    stdout.readerComesBack();
    await expect(trail.intent(subject('next'))).resolves.toEqual(expect.any(String));
    expect(trail.healthy()).toEqual({ ok: true });
    expect(auditLines(stdout.read())).toEqual([['intent', 'next']]);
  });

  it('watches the audit line even with LOG_LEVEL=silent (the audit child logger writes through the same destination)', async () => {
    const stdout = stdoutPipe({ level: 'silent' });
    const trail = await createAuditTrail(stdout.logger, undefined, undefined, { logWrites: stdout.destination });
    await trail.intent(subject('silent-ok'));
    expect(auditLines(stdout.read())).toEqual([['intent', 'silent-ok']]);
    stdout.readerGoes();
    await expect(trail.intent(subject('silent-lost'))).rejects.toThrow(AuditUnwritable);
    expect(trail.healthy()).toEqual({ ok: false, reason: 'EPIPE: broken pipe (the log)' });
  });

  it('refuses the intent with LOG_FORMAT=pretty too (pino-pretty writes through the destination, synchronously)', async () => {
    const stdout = stdoutPipe({ format: 'pretty' });
    const trail = await createAuditTrail(stdout.logger, undefined, undefined, { logWrites: stdout.destination });
    await trail.intent(subject('pretty-ok'));
    expect(stdout.read()).toMatch(/INFO.*audit/);
    stdout.readerGoes();
    await expect(trail.intent(subject('pretty-lost'))).rejects.toThrow(AuditUnwritable);
    expect(trail.healthy()).toEqual({ ok: false, reason: 'EPIPE: broken pipe (the log)' });
    stdout.readerComesBack();
    await expect(trail.intent(subject('pretty-back'))).resolves.toEqual(expect.any(String));
    expect(trail.healthy()).toEqual({ ok: true });
  });
});
