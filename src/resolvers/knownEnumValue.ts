import type { Logger } from 'pino';
import { enumValues, type AwsEnumName } from './awsEnums.js';

type EnumOf<N extends AwsEnumName> = (typeof enumValues)[N][keyof (typeof enumValues)[N]];

const known = Object.fromEntries(
  Object.entries(enumValues).map(([name, values]) => [name, new Set<string>(Object.values(values))]),
) as Record<AwsEnumName, Set<string>>;

const reported = new Set<string>();

/**
 * AWS adds enum values without notice; an unknown one must not fail the whole
 * response (graphql-js refuses to serialise it). It becomes UNKNOWN where the
 * enum has that value, null otherwise, and is logged once per process.
 */
export function knownEnumValue<N extends AwsEnumName>(
  name: N,
  value: string | undefined | null,
  /** The request's context: its logger is made only if there is something to say (src/context.ts). */
  context: { readonly logger: Logger },
): EnumOf<N> | null {
  if (value === undefined || value === null) return null;
  if (known[name].has(value)) return value as EnumOf<N>;
  if (!reported.has(`${name}:${value}`)) {
    reported.add(`${name}:${value}`);
    context.logger.warn({ enum: name, value }, 'AWS returned an enum value this gateway does not know; mapped to UNKNOWN or null');
  }
  const values = enumValues[name] as Record<string, string>;
  return (values.UNKNOWN ?? null) as EnumOf<N> | null;
}
