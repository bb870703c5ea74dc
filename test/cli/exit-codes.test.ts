import { ExitCode, exitCodeFor } from '@cytorx/cli';
import {
  AuthError,
  BadResponseError,
  ConfigError,
  HttpError,
  NetworkError,
  NotFoundError,
  WriterError,
} from '@cytorx/core';
import { describe, expect, it } from 'vitest';

describe('exitCodeFor', () => {
  it('maps error codes to the documented exit codes', () => {
    const req = { method: 'GET', path: '/api/project.json' };
    expect(exitCodeFor(new ConfigError('no host'))).toBe(ExitCode.Usage);
    expect(exitCodeFor(new AuthError({ ...req, status: 401, authMode: 'hmac' }))).toBe(ExitCode.Auth);
    expect(exitCodeFor(new AuthError({ ...req, status: 403, authMode: 'hmac' }))).toBe(ExitCode.Auth);
    expect(exitCodeFor(new NotFoundError({ ...req, status: 404 }))).toBe(ExitCode.NotFound);
    expect(exitCodeFor(new HttpError({ ...req, status: 503, attempts: 6 }))).toBe(ExitCode.Unavailable);
    expect(exitCodeFor(new HttpError({ ...req, status: 500 }))).toBe(ExitCode.Unavailable);
    expect(exitCodeFor(new HttpError({ ...req, status: 400 }))).toBe(ExitCode.Failure);
    expect(exitCodeFor(new NetworkError({ ...req, reason: 'refused' }))).toBe(ExitCode.Unavailable);
    expect(exitCodeFor(new BadResponseError({ ...req, reason: 'not JSON' }))).toBe(ExitCode.Failure);
    expect(exitCodeFor(new WriterError({ writer: 'mask', hook: 'write' }))).toBe(ExitCode.Failure);
    expect(exitCodeFor(new Error('bug'))).toBe(ExitCode.Failure);
    expect(exitCodeFor('a string')).toBe(ExitCode.Failure);
  });

  it('recognises errors by code (another copy of @cytorx/core)', () => {
    expect(exitCodeFor({ code: 'CYTORX_AUTH', message: 'x' })).toBe(ExitCode.Auth);
    expect(exitCodeFor({ code: 'CYTORX_HTTP', status: 502 })).toBe(ExitCode.Unavailable);
  });

  it('uses the documented numbers', () => {
    expect(ExitCode).toMatchObject({ Ok: 0, Failure: 1, Usage: 2, Auth: 3, NotFound: 4, Unavailable: 5 });
  });
});
