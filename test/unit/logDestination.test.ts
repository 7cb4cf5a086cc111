import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { LogDestination } from '../../src/logDestination.js';

// src/logDestination.ts: the log's own writer to stdout. A named pipe (FIFO) plays
// stdout: its reader can go away (EPIPE) and come back, and its writer can be made
// non-blocking and filled (EAGAIN), as a real stdout pipe can.

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function namedPipe(options: { nonBlocking?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dxgraph-logdest-'));
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  const open = { reader: -1 as number | undefined };
  open.reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY | (options.nonBlocking ? constants.O_NONBLOCK : 0));
  cleanups.push(() => {
    if (open.reader !== undefined) closeSync(open.reader);
    closeSync(writer);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    writer,
    get reader() {
      return open.reader!;
    },
    /** Everything in the pipe now. */
    read(): string {
      const chunks: Buffer[] = [];
      const buffer = Buffer.alloc(65_536);
      for (;;) {
        let n = 0;
        try {
          n = readSync(open.reader!, buffer);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw error;
        }
        if (n === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, n)));
      }
      return Buffer.concat(chunks).toString();
    },
    closeReader() {
      closeSync(open.reader!);
      open.reader = undefined;
    },
    reopenReader() {
      open.reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    },
    /** Writes straight into the pipe until it is full; how many bytes it took. */
    fill(): number {
      const block = Buffer.alloc(4096, 'x');
      let total = 0;
      for (;;) {
        try {
          total += writeSync(writer, block);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return total;
          throw error;
        }
      }
    },
  };
}

describe('LogDestination', () => {
  it('writes each line at once to a working fd', () => {
    const pipe = namedPipe();
    const destination = new LogDestination({ fd: pipe.writer });
    expect(destination.writeChunk('{"msg":"one"}\n')).toBe(true);
    expect(destination.write('{"msg":"two"}\n')).toBe(true);
    // Nothing waits for an event loop turn: the lines are in the pipe already.
    expect(pipe.read()).toBe('{"msg":"one"}\n{"msg":"two"}\n');
    expect(destination.failures).toBe(0);
    expect(destination.lastError).toBeUndefined();
  });

  it('counts a write to a pipe whose reader has gone as a failure (EPIPE), without throwing, and without a stack', () => {
    const pipe = namedPipe();
    const destination = new LogDestination({ fd: pipe.writer });
    pipe.closeReader();
    let written: boolean | undefined;
    expect(() => (written = destination.writeChunk('{"msg":"lost"}\n'))).not.toThrow();
    expect(written).toBe(false);
    expect(destination.failures).toBe(1);
    expect(destination.lastError).toBe('EPIPE: broken pipe');
    // Through the stream interface too (what pino and pino-pretty call).
    expect(() => destination.write('{"msg":"lost too"}\n')).not.toThrow();
    expect(destination.failures).toBe(2);
  });

  it('still tries every later line, so it recovers once a reader is back (pino would have gone quiet for good)', () => {
    const pipe = namedPipe();
    const destination = new LogDestination({ fd: pipe.writer });
    pipe.closeReader();
    destination.write('{"msg":"lost"}\n');
    expect(destination.failures).toBe(1);
    pipe.reopenReader();
    expect(destination.writeChunk('{"msg":"back"}\n')).toBe(true);
    expect(pipe.read()).toBe('{"msg":"back"}\n');
    expect(destination.failures).toBe(1);
  });

  it('counts a closed fd as a failure too', () => {
    const fd = openSync('/dev/null', 'w');
    closeSync(fd);
    const destination = new LogDestination({ fd });
    expect(destination.writeChunk('x\n')).toBe(false);
    expect(destination.lastError).toMatch(/^EBADF: /);
  });

  it('waits for a full non-blocking pipe, briefly at a time, and writes once its reader catches up', async () => {
    const pipe = namedPipe({ nonBlocking: true });
    const full = pipe.fill();
    const destination = new LogDestination({ fd: pipe.writer, retryWithinMs: 5000 });
    // A reader in another thread drains the pipe after 300 ms, while this thread is blocked writing.
    const drained = new Promise<number>((resolve, reject) => {
      const worker = new Worker(
        `const { readSync } = require('node:fs');
         const { workerData, parentPort } = require('node:worker_threads');
         const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
         nap(300);
         const buffer = Buffer.alloc(65536);
         let total = 0;
         while (total < workerData.expect) {
           try { total += readSync(workerData.fd, buffer); } catch (error) { if (error.code !== 'EAGAIN') throw error; nap(5); }
         }
         parentPort.postMessage(total);`,
        { eval: true, workerData: { fd: pipe.reader, expect: full + '{"msg":"waited"}\n'.length } },
      );
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const began = performance.now();
    expect(destination.writeChunk('{"msg":"waited"}\n')).toBe(true);
    expect(performance.now() - began).toBeGreaterThanOrEqual(250);
    expect(destination.failures).toBe(0);
    expect(await drained).toBe(full + '{"msg":"waited"}\n'.length);
  });

  it('gives a full pipe up after its bound and counts the line as not written (EAGAIN), then recovers', () => {
    const pipe = namedPipe({ nonBlocking: true });
    pipe.fill();
    const destination = new LogDestination({ fd: pipe.writer, retryWithinMs: 100 });
    const began = performance.now();
    expect(destination.writeChunk('{"msg":"stuck"}\n')).toBe(false);
    expect(performance.now() - began).toBeGreaterThanOrEqual(90);
    expect(destination.failures).toBe(1);
    expect(destination.lastError).toMatch(/^EAGAIN: /);
    expect(pipe.read()).not.toContain('stuck');
    expect(destination.writeChunk('{"msg":"drained"}\n')).toBe(true);
    expect(pipe.read()).toBe('{"msg":"drained"}\n');
  });

  it('writes what a partial write left over, and starts the next line on its own after a line cut short', () => {
    const pipe = namedPipe({ nonBlocking: true });
    pipe.fill();
    // Two pages free: a long line goes in partly, then the pipe is full again.
    const freed = Buffer.alloc(8192);
    expect(readSync(pipe.reader, freed)).toBe(8192);
    const destination = new LogDestination({ fd: pipe.writer, retryWithinMs: 50 });
    const long = `{"msg":"${'y'.repeat(20_000)}"}\n`;
    expect(destination.writeChunk(long)).toBe(false);
    const seen = pipe.read();
    expect(seen).toMatch(/y+$/);
    expect(seen).not.toContain('\n');
    expect(destination.writeChunk('{"msg":"next"}\n')).toBe(true);
    expect(pipe.read()).toBe('\n{"msg":"next"}\n');
    // Once a whole line is out, no more blank lines.
    destination.writeChunk('{"msg":"after"}\n');
    expect(pipe.read()).toBe('{"msg":"after"}\n');
  });
});
