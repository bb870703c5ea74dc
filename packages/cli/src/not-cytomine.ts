import { cytorxCode } from './exit-codes.js';

/** Paths every Cytomine core serves, whatever the data: a 404 there means another server. */
const ALWAYS_SERVED = [/^\/api\/(user\/current|currentuser)\.json/, /^\/api\/project\.json/];

/**
 * A 404 on a path every Cytomine serves (the current user, the project list) means `host` is
 * not a Cytomine server, or not its root URL: then a `CYTORX_CONFIG` error (exit 2) saying so,
 * with the URL tried, instead of "not found ... check the id". Any other error is returned as is.
 * @param err - what the command threw.
 * @param host - the host the client used.
 * @param ConfigError - `@cytorx/core`'s class (loaded by the caller: this module stays light).
 * @internal
 */
export function explainNotFound(
  err: unknown,
  host: string | undefined,
  ConfigError: new (message: string, options?: { cause?: unknown }) => Error,
): unknown {
  if (host === undefined || cytorxCode(err) !== 'CYTORX_NOT_FOUND') return err;
  const { path, method } = err as { path?: unknown; method?: unknown };
  if (typeof path !== 'string' || !ALWAYS_SERVED.some((p) => p.test(path))) return err;
  const root = host.replace(/\/+$/, '');
  const url = `${root}${path}`;
  const api = /\/api$/.test(root)
    ? `; the host ends with /api: give the server's root URL instead, e.g. ${root.slice(0, -'/api'.length)}`
    : '';
  return new ConfigError(
    `${root} does not look like a Cytomine server: ${String(method)} ${url} answered 404 (every Cytomine serves it)${api}. Check --host / CYTOMINE_HOST: the root URL of the Cytomine core, e.g. https://cytomine.example.org`,
    { cause: err },
  );
}
