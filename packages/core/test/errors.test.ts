import { AuthError, HttpError, isCytorxError, NotFoundError } from '@cytorx/core';
import { describe, expect, it } from 'vitest';

describe('error hierarchy', () => {
  it('carries status, method and path, and is recognised by code', () => {
    const e = new HttpError({ status: 503, method: 'GET', path: '/api/project.json', attempts: 5 });
    expect(e.message).toBe('GET /api/project.json failed with 503 after 5 attempts');
    expect(isCytorxError(e, 'CYTORX_HTTP')).toBe(true);
    expect(isCytorxError(e, 'CYTORX_AUTH')).toBe(false);
    expect(isCytorxError(new Error('x'))).toBe(false);
  });

  it('AuthError names the auth mode and keeps its own code', () => {
    const e = new AuthError({ status: 401, method: 'GET', path: '/api/user/current.json', authMode: 'hmac' });
    expect(e.code).toBe('CYTORX_AUTH');
    expect(e).toBeInstanceOf(HttpError);
    expect(e.message).toContain('"hmac"');
    expect(new NotFoundError({ status: 404, method: 'GET', path: '/x' }).code).toBe('CYTORX_NOT_FOUND');
  });
});
