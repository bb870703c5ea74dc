// A tiny real HTTP server for loopback tests of the client (envelopes, faults, resets).
// It shares no code with the client: signatures are checked from the raw request here.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PUB = 'test-public-key';
export const PRIV = 'test-private-key-s3cret';
export const TOKEN = 'test-bearer-t0ken';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Set when the client closed the connection before the response finished. */
  aborted: boolean;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void;

export interface TestServer {
  url: string;
  seen: Seen[];
  setHandler(handler: Handler): void;
  close(): Promise<void>;
}

export async function startTestServer(handler: Handler): Promise<TestServer> {
  let current = handler;
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        aborted: false,
      };
      seen.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) entry.aborted = true;
      });
      current(req, res, new URL(req.url ?? '/', 'http://x'), body);
    });
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setHandler: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Answers a list envelope of items `{ id: i }`, i = 0..total-1, honouring offset/max and a page cap. */
export function envelope(url: URL, total: number, cap?: number): unknown {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const askedMax = Number(url.searchParams.get('max') ?? 0);
  let max = askedMax === 0 ? Number.MAX_SAFE_INTEGER : askedMax;
  if (cap !== undefined) max = Math.min(max, cap);
  const collection: { id: number }[] = [];
  for (let i = offset; i < Math.min(total, offset + max); i++) collection.push({ id: i });
  const perPage = Math.min(askedMax === 0 ? 2147483647 : askedMax, total);
  return {
    collection,
    offset,
    perPage,
    size: total,
    totalPages: askedMax === 0 ? (total ? 1 : 0) : Math.ceil(total / askedMax),
  };
}

/** Recomputes the HMAC of a request the way the Cytomine core does (raw URI and query). */
export function expectedHmac(req: IncomingMessage, pathless: boolean): string {
  const message =
    `${req.method}\n${req.headers['content-md5'] ?? ''}\n${req.headers['content-type'] ?? ''}\n${req.headers.date}` +
    (pathless ? '' : `\n${req.url}`);
  return createHmac('sha1', PRIV).update(message).digest('base64');
}

/** Whether the request carries valid credentials for one of the four auth modes. */
export function authOk(req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth === `Bearer ${TOKEN}`;
  if (auth?.startsWith('CYTOMINE ')) {
    const [pub, sig] = auth.slice('CYTOMINE '.length).split(':');
    return pub === PUB && (sig === expectedHmac(req, false) || sig === expectedHmac(req, true));
  }
  return req.headers['x-auth-token'] === PUB && req.headers['x-auth-secret'] === PRIV;
}
