/**
 * `jwtkit ui`: serves the offline debugger page on 127.0.0.1 (a free port unless --port) until
 * Ctrl+C. The page is the same file that opens from disk; served, it gets its policy as a header
 * too and one extra ability, asked for by a button: fetching a JWKS URL through this server, since
 * the page itself may connect nowhere else. That endpoint answers only the page it served (a
 * per-run session value in a custom header, the Host it listens on), so other sites cannot use it.
 */
// node:http and node:child_process are imported when the command runs: the CLI is one bundle, and
// static imports there would load them for every command, at start-up.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJWKS } from '../keys.js';
import { EXIT, type Output, UsageError } from '../output.js';

export interface UIFlags {
  port?: string;
  open?: boolean;
}

/** Where the build puts the page, next to this bundle's folder. */
export const PAGE = new URL('../ui/jwtkit-debugger.html', import.meta.url);
const MAX_BODY = 4096;

function pagePolicy(html: string): string {
  const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  if (policy === undefined) throw new Error(`${PAGE.pathname} has no Content-Security-Policy: rebuild it (npm run build)`);
  return `${policy}; frame-ancestors 'none'`;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) {
        reject(new Error(`the request body is over ${MAX_BODY} bytes`));
        request.destroy();
      }
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function sameValue(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function openBrowser(out: Output, url: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => out.note(`could not start ${command} to open a browser; open ${url} yourself`));
  child.unref();
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected 0 to 65535, got "${value}"`);
  return port;
}

export async function runUI(out: Output, flags: UIFlags): Promise<number> {
  const port = parsePort(flags.port);
  if (!existsSync(PAGE)) throw new Error(`${PAGE.pathname} is missing: build the package (npm run build)`);
  const html = readFileSync(PAGE, 'utf8');
  const policy = pagePolicy(html);
  const session = randomBytes(24).toString('base64url');
  const page = html.replace('<!--SESSION-->', `<meta name="jwtkit-session" content="${session}">`);
  let origin = '';

  const send = (response: ServerResponse, status: number, type: string, body: string): void => {
    response
      .writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'content-security-policy': policy,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      })
      .end(body);
  };
  const json = (response: ServerResponse, status: number, value: unknown): void =>
    send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));

  async function fetchForPage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const header = request.headers['x-jwtkit-session'];
    if (!sameValue(typeof header === 'string' ? header : undefined, session))
      return json(response, 403, { error: 'only the page this server served may ask it to fetch' });
    if (request.headers.origin !== undefined && request.headers.origin !== origin)
      return json(response, 403, { error: `requests from ${request.headers.origin} are refused` });
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? ''))
      return json(response, 415, { error: 'send JSON: {"url": "https://..."}' });
    try {
      const { url } = JSON.parse(await readBody(request)) as { url?: unknown };
      if (typeof url !== 'string') return json(response, 400, { error: 'send {"url": "https://..."}' });
      json(response, 200, { jwks: await fetchJWKS(url, 'JWKS URL') });
    } catch (error) {
      json(response, 400, { error: (error as Error).message });
    }
  }

  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    // A page on another site that points a name of its own at 127.0.0.1 (DNS rebinding) is refused here.
    if (request.headers.host !== origin.slice('http://'.length))
      return json(response, 421, { error: `this server answers as ${origin} only` });
    if (path === '/' && (request.method === 'GET' || request.method === 'HEAD'))
      return send(response, 200, 'text/html; charset=utf-8', page);
    if (path === '/jwks' && request.method === 'POST') return void fetchForPage(request, response);
    json(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError(`--port: ${port} is in use; leave it out for a free port`) : error),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}/`;
  if (out.json) out.result({ ok: true, url });
  else {
    out.line(url);
    out.note('jwtkit debugger: everything runs in the page; it connects nowhere but this server. Ctrl+C stops it.');
  }
  if (flags.open === true) await openBrowser(out, url);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.ok;
}
