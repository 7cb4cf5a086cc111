import { createServer } from 'node:net';

// What the tests that drive a real server program (redis-server, PostgreSQL) share.

/**
 * Says what is missing. Under .ci/run (CI set) a missing program fails the suite
 * rather than skipping its tests; elsewhere the tests that need it are skipped.
 */
export function reportMissing(available: boolean, missing: string, install: string): void {
  if (available) return;
  if (process.env.CI) throw new Error(`${missing} is missing; .ci/run installs ${install} before the tests.`);
  console.warn(`Skipping the tests that need it: ${missing} is missing (install ${install} to run them).`);
}

/** A port nothing listens on right now, on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
