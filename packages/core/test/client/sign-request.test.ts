import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCytomineDate, signRequest, stringToSign } from '../../src/client/sign-request.js';

// Expected values are built here by hand, independently of the module under test.
// (cytomine-api.md's example 'Tue, 03 Sep 2025' has a wrong weekday: 3 Sep 2025 is a Wednesday.)
const DATE = new Date(Date.UTC(2025, 8, 2, 10, 11, 12)); // Tue, 02 Sep 2025 10:11:12 UTC
const DATE_HEADER = 'Tue, 02 Sep 2025 10:11:12 +0000';
const PUB = 'e3a2b1c0-pub';
const PRIV = 'a1b2c3d4-priv-ünï';

function hmac(key: string, message: string): string {
  return createHmac('sha1', Buffer.from(key, 'utf8')).update(Buffer.from(message, 'utf8')).digest('base64');
}

describe('formatCytomineDate', () => {
  it('formats like strftime("%a, %d %b %Y %H:%M:%S +0000") in UTC', () => {
    expect(formatCytomineDate(DATE)).toBe(DATE_HEADER);
    expect(formatCytomineDate(new Date(Date.UTC(2025, 8, 3, 10, 11, 12)))).toBe(
      'Wed, 03 Sep 2025 10:11:12 +0000',
    );
    expect(formatCytomineDate(new Date(Date.UTC(2024, 0, 1, 0, 0, 0)))).toBe(
      'Mon, 01 Jan 2024 00:00:00 +0000',
    );
    expect(formatCytomineDate(new Date(Date.UTC(2025, 11, 31, 23, 59, 59, 999)))).toBe(
      'Wed, 31 Dec 2025 23:59:59 +0000',
    );
  });
});

describe('signRequest', () => {
  it('hmac GET: METHOD, empty MD5, empty content type, date, raw path and query', () => {
    const path = '/api/annotation.json?image=3&terms=1,2&showWKT=true&max=100&offset=0';
    const expected = hmac(PRIV, `GET\n\n\n${DATE_HEADER}\n${path}`);
    const headers = signRequest({
      auth: 'hmac',
      method: 'GET',
      pathAndQuery: path,
      date: DATE,
      publicKey: PUB,
      privateKey: PRIV,
    });
    expect(headers).toEqual({ date: DATE_HEADER, authorization: `CYTOMINE ${PUB}:${expected}` });
  });

  it('hmac POST signs the application/json content type', () => {
    const path = '/api/annotation.json';
    const expected = hmac(PRIV, `POST\n\napplication/json\n${DATE_HEADER}\n${path}`);
    const headers = signRequest({
      auth: 'hmac',
      method: 'POST',
      pathAndQuery: path,
      contentType: 'application/json',
      date: DATE,
      publicKey: PUB,
      privateKey: PRIV,
    });
    expect(headers.authorization).toBe(`CYTOMINE ${PUB}:${expected}`);
  });

  it('hmac keeps percent-encoding exactly as sent (never decodes the path)', () => {
    const path = '/api/annotation.json?bbox=POLYGON%20((0%200%2C1%201))';
    const expected = hmac(PRIV, `GET\n\n\n${DATE_HEADER}\n${path}`);
    const decoded = hmac(PRIV, `GET\n\n\n${DATE_HEADER}\n${decodeURIComponent(path)}`);
    const { authorization } = signRequest({
      auth: 'hmac',
      method: 'GET',
      pathAndQuery: path,
      date: DATE,
      publicKey: PUB,
      privateKey: PRIV,
    });
    expect(authorization).toBe(`CYTOMINE ${PUB}:${expected}`);
    expect(authorization).not.toContain(decoded);
  });

  it('hmac-pathless: METHOD\\nMD5\\nCT\\nDATE, no path, no trailing newline', () => {
    const expected = hmac(PRIV, `DELETE\n\napplication/json\n${DATE_HEADER}`);
    const headers = signRequest({
      auth: 'hmac-pathless',
      method: 'DELETE',
      pathAndQuery: '/api/annotation/5.json',
      contentType: 'application/json',
      date: DATE,
      publicKey: PUB,
      privateKey: PRIV,
    });
    expect(headers.authorization).toBe(`CYTOMINE ${PUB}:${expected}`);
    expect(stringToSign({ auth: 'hmac-pathless', method: 'GET', pathAndQuery: '/x', dateHeader: 'D' })).toBe(
      'GET\n\n\nD',
    );
  });

  it('headers mode sends X-Auth-Token / X-Auth-Secret', () => {
    const headers = signRequest({
      auth: 'headers',
      method: 'GET',
      pathAndQuery: '/api/project.json',
      date: DATE,
      publicKey: PUB,
      privateKey: PRIV,
    });
    expect(headers).toEqual({ date: DATE_HEADER, 'x-auth-token': PUB, 'x-auth-secret': PRIV });
  });

  it('bearer mode sends Authorization: Bearer', () => {
    const headers = signRequest({
      auth: 'bearer',
      method: 'GET',
      pathAndQuery: '/api/project.json',
      date: DATE,
      token: 'jwt.abc',
    });
    expect(headers).toEqual({ date: DATE_HEADER, authorization: 'Bearer jwt.abc' });
  });

  it('a different date, path or key changes the signature', () => {
    const base = {
      auth: 'hmac' as const,
      method: 'GET' as const,
      pathAndQuery: '/api/project.json',
      date: DATE,
      publicKey: PUB,
      privateKey: PRIV,
    };
    const a = signRequest(base).authorization;
    expect(signRequest({ ...base, date: new Date(DATE.getTime() + 1000) }).authorization).not.toBe(a);
    expect(signRequest({ ...base, pathAndQuery: '/api/project.json?max=1' }).authorization).not.toBe(a);
    expect(signRequest({ ...base, privateKey: 'other' }).authorization).not.toBe(a);
  });
});
