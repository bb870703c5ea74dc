import { createHmac } from 'node:crypto';
import type { Emulator } from '../src/index.js';

/** Signature computed independently in the tests (cytomine-api.md §1.1). */
export function hmacSignature(privateKey: string, message: string): string {
  return createHmac('sha1', privateKey).update(message, 'utf8').digest('base64');
}

export interface CallOptions {
  body?: unknown;
  mode?: 'hmac' | 'hmac-pathless' | 'headers' | 'bearer' | 'none';
  contentType?: string;
  keys?: { publicKey: string; privateKey: string; token?: string };
}

/** A signed request with fetch; returns status, headers and the parsed body (JSON or text). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
type Json = any;

export async function call(
  emu: Emulator,
  method: string,
  pathAndQuery: string,
  opts: CallOptions = {},
): Promise<{ status: number; headers: Headers; json: Json; text: string }> {
  const r = await raw(emu, method, pathAndQuery, opts);
  const text = Buffer.from(await r.arrayBuffer()).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, json, text };
}

/** The raw fetch Response of a signed request. */
export function raw(
  emu: Emulator,
  method: string,
  pathAndQuery: string,
  opts: CallOptions = {},
): Promise<Response> {
  const keys = opts.keys ?? { publicKey: emu.publicKey, privateKey: emu.privateKey, token: emu.token };
  const headers: Record<string, string> = { accept: 'application/json, */*' };
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const ct = opts.contentType ?? (opts.body !== undefined ? 'application/json' : '');
  if (ct) headers['content-type'] = ct;
  const mode = opts.mode ?? 'hmac';
  if (mode === 'hmac' || mode === 'hmac-pathless') {
    headers.date = date;
    const base = `${method}\n\n${ct}\n${date}`;
    const msg = mode === 'hmac' ? `${base}\n${pathAndQuery}` : base;
    headers.authorization = `CYTOMINE ${keys.publicKey}:${hmacSignature(keys.privateKey, msg)}`;
  } else if (mode === 'headers') {
    headers['x-auth-token'] = keys.publicKey;
    headers['x-auth-secret'] = keys.privateKey;
  } else if (mode === 'bearer') {
    headers.authorization = `Bearer ${keys.token ?? ''}`;
  }
  const init: RequestInit = { method, headers };
  if (opts.body !== undefined)
    init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return fetch(emu.url + pathAndQuery, init);
}
