import { readdirSync, readFileSync } from 'node:fs';

/** schema/ sits beside src/ and dist/, so the same path works from both. */
export const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/** The SDL, one document per file in schema/; the single source of the API's shape. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, SCHEMA_DIR), 'utf8'));
}
