import { ConfigError } from '../errors/config-error.js';

/**
 * Checks a resource id (a positive safe integer) before it goes into a path.
 * @throws {ConfigError} `CYTORX_CONFIG` when it is not one
 */
export function resourceId(what: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ConfigError(`${what} id must be a positive integer (got ${String(id)})`);
  }
  return id;
}
