/**
 * What `record` holds under `key` itself, never what every object inherits: a key an event or a
 * request names (`constructor`, `__proto__`, `toString`) would otherwise find a function or a
 * prototype where there is nothing.
 */
export const ownValue = <Value>(record: Readonly<Record<string, Value>>, key: string): Value | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined
