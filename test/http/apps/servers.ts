// Serving a fetch handler with the runtime's own server: Deno.serve or Bun.serve, on 127.0.0.1.
import type { Server } from './routes.js';

type Handler = (request: Request) => Response | Promise<Response>;

interface DenoServer {
  addr: { port: number };
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(options: { hostname: string; port: number; onListen?: () => void }, handler: Handler): DenoServer;
  listen(options: { hostname: string; port: number }): { addr: { port: number }; close(): void };
}
interface BunGlobal {
  serve(options: { hostname: string; port: number; fetch: Handler }): {
    port: number;
    stop(force?: boolean): Promise<void> | void;
  };
}

export const Deno = (globalThis as { Deno?: DenoGlobal }).Deno;
export const Bun = (globalThis as { Bun?: BunGlobal }).Bun;

export function denoServe(handler: Handler): Server {
  if (Deno === undefined) throw new Error('not running on Deno');
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, handler);
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

export function bunServe(handler: Handler): Server {
  if (Bun === undefined) throw new Error('not running on Bun');
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
  return { url: `http://127.0.0.1:${server.port}`, close: async () => void (await server.stop(true)) };
}

/** A free port on loopback (Oak's npm build does not report the port it was given 0 for). */
export function freeDenoPort(): number {
  if (Deno === undefined) throw new Error('not running on Deno');
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Polls until the server at `url` accepts connections. */
export async function accepting(url: string, milliseconds = 10_000): Promise<void> {
  const deadline = Date.now() + milliseconds;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
