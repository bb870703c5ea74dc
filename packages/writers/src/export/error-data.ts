import { CytorxError, type CytorxErrorCode } from '@cytorx/core';

/** An error as it crosses a thread boundary. @internal */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
}

/** The parts of an error that survive a thread boundary. @internal */
export function errorData(e: unknown): ErrorData {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** An error rebuilt from {@link ErrorData}: a `CytorxError` with its code when it was one. @internal */
export function fromErrorData(d: ErrorData): Error {
  const error = d.code?.startsWith('CYTORX_')
    ? new CytorxError(d.code as CytorxErrorCode, d.message)
    : Object.assign(new Error(d.message), d.code === undefined ? {} : { code: d.code });
  error.name = d.name;
  return error;
}
