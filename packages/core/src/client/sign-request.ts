import { createHmac } from 'node:crypto';
import type { AuthMode, HttpMethod } from './types.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats a date as the Cytomine clients do (`%a, %d %b %Y %H:%M:%S +0000` in UTC).
 * @param date the instant to format
 * @returns e.g. `Tue, 03 Sep 2025 10:11:12 +0000`
 * @example
 * ```ts
 * import { formatCytomineDate } from '@cytorx/core';
 * formatCytomineDate(new Date(Date.UTC(2025, 8, 3, 10, 11, 12))); // 'Tue, 03 Sep 2025 10:11:12 +0000'
 * ```
 */
export function formatCytomineDate(date: Date): string {
  const day = DAYS[date.getUTCDay()];
  const month = MONTHS[date.getUTCMonth()];
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  return (
    `${day}, ${pad2(date.getUTCDate())} ${month} ${year} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())} +0000`
  );
}

/** Input of {@link signRequest}. */
export interface SignRequestInput {
  /** Auth mode (see {@link AuthMode}). */
  auth: AuthMode;
  /** HTTP method, upper case. */
  method: HttpMethod;
  /** Path and query exactly as sent on the request line, e.g. `/api/annotation.json?image=3&terms=1,2`. */
  pathAndQuery: string;
  /** Content type sent with the request, or `undefined` when none is sent. */
  contentType?: string | undefined;
  /** The instant put in the `date` header. */
  date: Date;
  publicKey?: string | undefined;
  privateKey?: string | undefined;
  token?: string | undefined;
}

/**
 * The string an `hmac`/`hmac-pathless` signature is computed over (cytomine-api.md §1.1):
 * `METHOD\n\nCONTENT_TYPE\nDATE\n/path?query` (no trailing newline), or without the last
 * line for `hmac-pathless`. The content-MD5 slot is always empty.
 * @param input the request (see {@link SignRequestInput})
 * @example
 * ```ts
 * import { stringToSign } from '@cytorx/core';
 * stringToSign({ auth: 'hmac', method: 'GET', pathAndQuery: '/api/project.json',
 *   dateHeader: 'Tue, 02 Sep 2025 10:11:12 +0000' });
 * // 'GET\n\n\nTue, 02 Sep 2025 10:11:12 +0000\n/api/project.json'
 * ```
 */
export function stringToSign(
  input: Pick<SignRequestInput, 'auth' | 'method' | 'pathAndQuery' | 'contentType'> & { dateHeader: string },
): string {
  const head = `${input.method}\n\n${input.contentType ?? ''}\n${input.dateHeader}`;
  return input.auth === 'hmac-pathless' ? head : `${head}\n${input.pathAndQuery}`;
}

/**
 * Computes the authentication headers of one request. Pure: the date is injected, so a
 * signature can be checked against an independently computed one.
 *
 * Returns the `date` header (all modes) and, depending on `auth`: `authorization:
 * CYTOMINE pub:base64(HMAC-SHA1(privateKey, stringToSign))` (`hmac`, `hmac-pathless`),
 * `x-auth-token`/`x-auth-secret` (`headers`) or `authorization: Bearer token` (`bearer`).
 * The result holds secrets: never log it.
 * @param input the request and credentials (see {@link SignRequestInput})
 * @returns lower-case header names to header values
 * Does not throw: missing credentials are checked by `createClient` (`CYTORX_CONFIG`).
 * @example
 * ```ts
 * import { signRequest } from '@cytorx/core';
 * const headers = signRequest({ auth: 'hmac', method: 'GET', pathAndQuery: '/api/project.json',
 *   date: new Date(), publicKey: 'pub', privateKey: 'priv' });
 * ```
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const dateHeader = formatCytomineDate(input.date);
  switch (input.auth) {
    case 'hmac':
    case 'hmac-pathless': {
      const message = stringToSign({ ...input, dateHeader });
      const signature = createHmac('sha1', Buffer.from(input.privateKey ?? '', 'utf8'))
        .update(message, 'utf8')
        .digest('base64');
      return { date: dateHeader, authorization: `CYTOMINE ${input.publicKey ?? ''}:${signature}` };
    }
    case 'headers':
      return {
        date: dateHeader,
        'x-auth-token': input.publicKey ?? '',
        'x-auth-secret': input.privateKey ?? '',
      };
    case 'bearer':
      return { date: dateHeader, authorization: `Bearer ${input.token ?? ''}` };
  }
}
