import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthMode, DatasetUser } from '../types.js';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sign(privateKey: string, message: string): string {
  return createHmac('sha1', privateKey).update(message, 'utf8').digest('base64');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Finds the user a request authenticates as, in the accepted modes, as the Cytomine
 * server does it (cytomine-api.md §1.1): the HMAC-SHA1 message is
 * `METHOD\nMD5\nCONTENT-TYPE\nDATE\nRAW-URI?QUERY` (`hmac`) or without the last line
 * (`hmac-pathless`), each tried a second time with an empty content type.
 * `headers` checks `X-Auth-Token`/`X-Auth-Secret`; `bearer` checks `Authorization: Bearer`.
 * Returns `undefined` when no mode authenticates the request.
 */
export function authenticate(
  req: IncomingMessage,
  users: readonly DatasetUser[],
  modes: ReadonlySet<AuthMode>,
): DatasetUser | undefined {
  const authorization = header(req, 'authorization') ?? '';
  if (modes.has('hmac') || modes.has('hmac-pathless')) {
    const date = header(req, 'date');
    const host = header(req, 'host');
    if (
      date !== undefined &&
      host !== undefined &&
      authorization.startsWith('CYTOMINE') &&
      authorization.includes(' ') &&
      authorization.includes(':')
    ) {
      const publicKey = authorization.slice(authorization.indexOf(' ') + 1, authorization.indexOf(':'));
      const signature = authorization.slice(authorization.indexOf(':') + 1);
      const user = users.find((u) => u.publicKey === publicKey);
      if (user) {
        const md5 = header(req, 'content-md5') ?? '';
        const contentType = header(req, 'content-type') ?? '';
        const method = req.method ?? 'GET';
        for (const ct of contentType === '' ? [''] : [contentType, '']) {
          const base = `${method}\n${md5}\n${ct}\n${date}`;
          if (modes.has('hmac') && same(sign(user.privateKey, `${base}\n${req.url ?? ''}`), signature))
            return user;
          if (modes.has('hmac-pathless') && same(sign(user.privateKey, base), signature)) return user;
        }
      }
    }
  }
  if (modes.has('headers')) {
    const token = header(req, 'x-auth-token');
    const secret = header(req, 'x-auth-secret');
    if (token !== undefined && secret !== undefined) {
      const user = users.find((u) => u.publicKey === token);
      if (user && same(user.privateKey, secret)) return user;
    }
  }
  if (modes.has('bearer') && /^Bearer /i.test(authorization)) {
    const token = authorization.slice(7).trim();
    const user = users.find((u) => same(u.token, token));
    if (user) return user;
  }
  return undefined;
}
