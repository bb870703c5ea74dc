import { isAscii } from 'node:buffer';
import { BadResponseError } from '../errors/bad-response-error.js';
import { bodyExcerpt, type FailureContext, parseRetryAfter, statusFailure } from './attempt-failure.js';
import type { TransportResponse } from './transport.js';

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Turns a complete response into the request's value: the bytes, the parsed JSON, or
 * `undefined` for an empty body. Throws an `AttemptFailure` for an error status (with the
 * server's `Retry-After`), or a `BadResponseError` for a 2xx body that is not JSON.
 */
export function decodeResponse(
  ctx: FailureContext,
  response: TransportResponse,
  responseType: 'json' | 'bytes',
  now: () => Date,
): unknown {
  const { status, body } = response;
  if (status < 200 || status >= 300) {
    const retryAfter = parseRetryAfter(headerValue(response.headers['retry-after']), now());
    throw statusFailure(ctx, status, body, retryAfter);
  }
  if (responseType === 'bytes') return body;
  if (body.byteLength === 0 || status === 204) return undefined;
  // ASCII bodies (the usual JSON listing) decode as latin1: a plain copy into a one-byte string,
  // several times faster than UTF-8 decoding and the same text.
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const text = buf.toString(isAscii(buf) ? 'latin1' : 'utf8');
  try {
    return JSON.parse(text);
  } catch (cause) {
    const contentType = headerValue(response.headers['content-type']);
    const excerpt = bodyExcerpt(body);
    throw new BadResponseError(
      {
        method: ctx.method,
        path: ctx.path,
        reason:
          `status ${status} with a body that is not JSON` +
          (contentType === undefined || /json/i.test(contentType) ? '' : ` (content-type ${contentType})`),
        ...(excerpt === undefined ? {} : { bodyExcerpt: excerpt }),
      },
      { cause },
    );
  }
}
