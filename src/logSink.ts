import { write, writeSync } from 'node:fs';

// Where JSON log lines go (src/main.ts): a file descriptor, stdout in practice. A line
// is written at once, synchronously, while the descriptor takes it, so it has left the
// process (to the pipe or file) when the logging call returns: an audit record before
// the answer it records, without a hop through libuv's thread pool per line. When the
// descriptor does not take it (a full pipe: Node makes stdout pipes non-blocking, and
// a writer that waited would stall every request), the line and every later one are
// queued, in order, and written from the thread pool until the queue is empty again.

/** A pipe that is full may stay full; ask again after this long. */
const RETRY_MS = 10;

export class LogSink {
  private readonly queue: Buffer[] = [];
  private draining = false;
  /** The reader went away (EPIPE): lines go nowhere from then on, as pino does it. */
  private gone = false;

  constructor(private readonly fd: number) {}

  /**
   * Writes `line`, or queues it behind lines not written yet. Throws what the
   * descriptor answers other than "full" or "reader gone" (a log that cannot be
   * written is the audit trail's to notice, src/audit/trail.ts).
   */
  write(line: string): boolean {
    if (this.gone) return true;
    const bytes = Buffer.from(line);
    if (this.queue.length > 0) {
      this.queue.push(bytes);
      return true;
    }
    let written = 0;
    try {
      written = writeSync(this.fd, bytes);
    } catch (error) {
      if (!this.full(error)) return true;
    }
    if (written < bytes.length) {
      this.queue.push(bytes.subarray(written));
      this.drain();
    }
    return true;
  }

  /** Whatever is queued, written now, waiting for the reader: for the moment before exit. */
  flushSync(): void {
    for (let tries = 0; this.queue.length > 0 && !this.gone && tries < 1000; tries++) {
      const head = this.queue[0]!;
      try {
        const written = writeSync(this.fd, head);
        if (written < head.length) this.queue[0] = head.subarray(written);
        else this.queue.shift();
      } catch (error) {
        if (this.full(error)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
        else return;
      }
    }
  }

  /** True for "full, try later"; records a reader gone; throws anything else. */
  private full(error: unknown): boolean {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return true;
    if (code === 'EPIPE') {
      this.gone = true;
      this.queue.length = 0;
      return false;
    }
    throw error;
  }

  private drain(): void {
    if (this.draining) return;
    const head = this.queue[0];
    if (!head || this.gone) return;
    this.draining = true;
    write(this.fd, head, 0, head.length, null, (error, written) => {
      this.draining = false;
      if (error) {
        const code = error.code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          setTimeout(() => this.drain(), RETRY_MS).unref();
          return;
        }
        // The reader went away, or the descriptor broke: what is queued is lost. The
        // next line tries the descriptor again, and throws if it is still broken.
        this.gone = code === 'EPIPE';
        this.queue.length = 0;
        return;
      }
      if (written < head.length) this.queue[0] = head.subarray(written);
      else this.queue.shift();
      this.drain();
    });
  }
}
