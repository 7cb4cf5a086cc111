import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

// API_KEYS_FILE holds only SHA-256 hashes of keys, never keys. Keys are 32 random
// bytes, so a plain hash is enough (no password stretching needed), and every
// stored hash is compared in constant time, with no early exit.

const keyFileSchema = z.object({
  keys: z
    .array(
      z.object({
        name: z.string().min(1).max(100),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
        roles: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
});

export interface ApiKeyEntry {
  name: string;
  roles: string[];
}

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** A new random key, prefixed so it is recognisable in a secret scanner. */
export const newApiKey = (): string => `dxg_${randomBytes(32).toString('base64url')}`;

export async function loadApiKeys(file: string): Promise<(key: string) => ApiKeyEntry | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`API_KEYS_FILE ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let parsed;
  try {
    parsed = keyFileSchema.parse(JSON.parse(raw));
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not JSON';
    throw new Error(`API_KEYS_FILE ${file} is not a valid key file (${detail}); see README "Security"`);
  }
  const entries = parsed.keys.map((k) => ({ name: k.name, roles: k.roles, hash: Buffer.from(k.sha256, 'hex') }));
  return (key) => {
    const presented = hashApiKey(key);
    let match: ApiKeyEntry | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(presented, entry.hash) && !match) match = { name: entry.name, roles: entry.roles };
    }
    return match;
  };
}
