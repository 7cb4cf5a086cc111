/** Options passed as `undefined` (an unset environment variable, say) mean "the default", not "no value". */
export function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
