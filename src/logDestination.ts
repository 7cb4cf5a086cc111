import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';

// Where the log goes: fd 1, written by us. pino's own stdout writer (sonic-boom, set up
// by buildSafeSonicBoom in pino/lib/tools.js) turns itself into a no-op on the first
// EPIPE, and reports other write errors only as an 'error' event nobody can tie to a
// line: once stdout's reader went away, every later line, audit records included, would
// vanish without a word while real changes still ran. Here every line is written
// synchronously, a failure is counted where the audit trail can see it (the trail
// compares `failures` before and after it logs a record), and the next line is tried
// all the same: a later success is how the log recovers.

/** What the audit trail reads of the log's writes. */
export interface LogWrites {
  /** Lines (or parts of lines) that could not be written, since start-up. */
  readonly failures: number;
  /** The last failure: an error code and its message ("EPIPE: broken pipe"), never a stack. */
  readonly lastError?: string;
}

/** How long a full, non-blocking stdout is waited for before a line counts as not written. */
export const RETRY_WITHIN_MS = 10_000;
/** The longest single sleep while it is full: short, so a reader that catches up is noticed soon. */
const LONGEST_PAUSE_MS = 10;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread: the line must be written (or given up) before the log call returns. */
const sleep = (ms: number) => void Atomics.wait(sleeper, 0, 0, ms);

/** "EPIPE: broken pipe", from Node's "EPIPE: broken pipe, write". */
function describeError(error: unknown): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  const text = typeof message === 'string' ? message.split(', ')[0]! : String(error);
  if (!code) return text;
  return text.startsWith(`${code}:`) ? text : `${code}: ${text}`;
}

/**
 * A pino destination (and, for pino-pretty, a Writable to pipe into) that writes every
 * chunk at once with fs.writeSync and never throws. It is a Writable only so that
 * pino-pretty can pipe into it; write() itself skips the stream machinery (nothing is
 * ever buffered, so it never asks for 'drain', and it goes on writing even if a pipeline
 * destroyed it).
 */
export class LogDestination extends Writable implements LogWrites {
  failures = 0;
  lastError?: string;
  /** A failure left part of a line out there: the next chunk starts on a line of its own. */
  private midLine = false;
  private readonly fd: number;
  private readonly retryWithinMs: number;

  constructor(options: { fd?: number; retryWithinMs?: number } = {}) {
    super({ decodeStrings: false });
    this.fd = options.fd ?? 1;
    this.retryWithinMs = options.retryWithinMs ?? RETRY_WITHIN_MS;
  }

  /** Always true: nothing is buffered, so there is never a 'drain' to wait for. Whether it was written: `failures`. */
  override write(chunk: unknown, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
    this.writeChunk(chunk);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done, null);
    return true;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeChunk(chunk);
    callback();
  }

  /** Writes the whole chunk, or counts a failure; true when it was written. */
  writeChunk(chunk: unknown): boolean {
    let data: Buffer;
    try {
      data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : String(chunk));
      if (this.midLine) data = Buffer.concat([Buffer.from('\n'), data]);
    } catch (error) {
      return this.failed(error, false);
    }
    let offset = 0;
    let deadline: number | undefined;
    let pause = 1;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset, data.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A non-blocking pipe that is full (every stream.pipe() in the process can make
        // stdout non-blocking): wait for its reader, briefly at a time, but not forever.
        if (code === 'EAGAIN' || code === 'EBUSY') {
          deadline ??= Date.now() + this.retryWithinMs;
          const left = deadline - Date.now();
          if (left > 0) {
            sleep(Math.min(pause, left));
            pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
            continue;
          }
          return this.failed(Object.assign(new Error(`${code}: the log's reader took nothing for ${this.retryWithinMs} ms`), { code }), offset > 0);
        }
        return this.failed(error, offset > 0);
      }
    }
    this.midLine = false;
    return true;
  }

  private failed(error: unknown, partly: boolean): false {
    this.failures += 1;
    this.lastError = describeError(error);
    if (partly) this.midLine = true;
    return false;
  }
}
