/** Helpers shared by command builders: id validation and cell formatting. @internal */
import { OptionValueError } from './option-value-error.js';

/** What a number flag accepts: a test and its wording for the error message. */
export type NumberRule = readonly [ok: (n: number) => boolean, allowed: string];

/** A positive integer (with what it counts, for the message: `a positive integer number of px`). */
export const positiveInteger = (of?: string): NumberRule => [
  (n) => Number.isSafeInteger(n) && n > 0,
  of === undefined ? 'a positive integer' : `a positive integer ${of}`,
];

/** An integer >= `min`. */
export const integerAtLeast = (min: number): NumberRule => [
  (n) => Number.isSafeInteger(n) && n >= min,
  `an integer >= ${min}`,
];

/**
 * A yargs `check` that the named number flags, when given, follow their rule (a single number
 * or each of an array); else an {@link OptionValueError} naming the flag, the value and the rule.
 */
export function checkNumbers(rules: Record<string, NumberRule>): (args: Record<string, unknown>) => true {
  return (args) => {
    for (const [name, [ok, allowed]] of Object.entries(rules)) {
      const value = args[name];
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v !== 'number' || !ok(v)) throw new OptionValueError(name, v, allowed);
      }
    }
    return true;
  };
}

/** A yargs `check` that the named flags, when given, are positive integer ids. */
export function checkIds(...names: string[]): (args: Record<string, unknown>) => true {
  return checkNumbers(Object.fromEntries(names.map((n) => [n, positiveInteger('id')])));
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
