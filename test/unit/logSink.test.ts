import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogSink } from '../../src/logSink.js';

// The log sink on real descriptors: a file, a pipe whose reader is stopped (so the
// pipe fills), a pipe whose reader is gone, and a descriptor that is not open.

/** Lines of 10 KB and of 200 bytes in turn: a filling pipe takes the long ones only in part. */
const lines = (n: number) => Array.from({ length: n }, (_, i) => `{"line":${i},"pad":"${'x'.repeat(i % 2 === 0 ? 10_000 : 180)}"}\n`);

/** The write end of a socket or pipe a child reads from; Node has made it non-blocking. */
const writeEnd = (child: ReturnType<typeof spawn>) => (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;

/**
 * `sent` through a sink into `cat` while cat is stopped, so the pipe fills; then cat
 * goes on, and what it passes back is returned once it is as long as what was sent
 * (or after 10 s of waiting). Each write's return value too.
 */
async function throughStoppedReader(sent: string[]): Promise<{ accepted: boolean[]; received: string }> {
  const cat = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  cat.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  cat.kill('SIGSTOP');
  const sink = new LogSink(writeEnd(cat));
  // A writer that waited for the pipe would hang here.
  const accepted = sent.map((line) => sink.write(line));
  cat.kill('SIGCONT');
  const length = sent.join('').length;
  const received = () => Buffer.concat(chunks).toString();
  for (let waited = 0; received().length < length && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  cat.stdin!.destroy();
  cat.kill();
  return { accepted, received: received() };
}

describe('LogSink', () => {
  it('writes each line at once to a descriptor that takes it', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'dxgraph-log-')), 'out.log');
    const fd = openSync(file, 'w');
    const sink = new LogSink(fd);
    const sent = lines(50);
    for (const line of sent) sink.write(line);
    // Nothing waited for: the lines are in the file as soon as write returned.
    expect(readFileSync(file, 'utf8')).toBe(sent.join(''));
    closeSync(fd);
  });

  it('queues what a full pipe does not take, without waiting, and writes it all in order once the reader reads again', async () => {
    // 10 MB: many times what a pipe holds.
    const sent = lines(2000);
    const { accepted, received } = await throughStoppedReader(sent);
    expect(accepted.every(Boolean)).toBe(true);
    expect(received).toBe(sent.join(''));
  });

  it('writes the rest of a line the pipe took only in part, before any later line', async () => {
    const sent = [`{"huge":"${'y'.repeat(1_000_000)}"}\n`, ...lines(10)];
    expect((await throughStoppedReader(sent)).received).toBe(sent.join(''));
  });

  it('drops lines quietly once the reader has gone, as pino does', async () => {
    // A reader that closes its end of the pipe and lives on (so the pipe stays ours to write).
    const reader = spawn('sh', ['-c', 'exec 0<&-; echo closed; sleep 10'], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise((resolve) => reader.stdout.once('data', resolve));
    const sink = new LogSink(writeEnd(reader));
    for (const line of lines(5)) expect(() => sink.write(line)).not.toThrow();
    reader.stdin.destroy();
    reader.kill();
  });

  it('throws what a broken descriptor answers, for the audit trail to notice', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'dxgraph-log-')), 'out.log');
    const fd = openSync(file, 'w');
    closeSync(fd);
    expect(() => new LogSink(fd).write('{"line":1}\n')).toThrow(/EBADF/);
  });
});
