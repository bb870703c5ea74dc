/** Helpers shared by command builders: id validation and cell formatting. @internal */
import { UsageError } from './exit-codes.js';

/**
 * A yargs `check` that the named options, when given, are positive integer ids
 * (a single number or an array of them).
 */
export function checkIds(...names: string[]): (args: Record<string, unknown>) => true {
  return (args) => {
    for (const name of names) {
      const value = args[name];
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
          throw new UsageError(`--${name} must be a positive integer id, got ${String(v)}`);
        }
      }
    }
    return true;
  };
}

/** Epoch milliseconds (number or numeric string) as an ISO date without milliseconds, else ''. */
export function isoDate(value: unknown): string {
  const ms = typeof value === 'string' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Keys never printed from server objects (the legacy current-user JSON includes the private key). */
const SECRET_KEY = /private|secret|password|token/i;

/** A copy of `value` without fields whose name looks secret. */
export function withoutSecrets(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_KEY.test(key)));
}
