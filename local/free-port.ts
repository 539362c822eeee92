import { createServer } from 'node:net';

/** A port the OS says is free right now on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Free ports that are never handed out twice and never one of `reserved` (the global URL's port):
 * the OS may offer a just-released port again before the child that was given it binds it.
 */
export function portPicker(reserved: number[]): () => Promise<number> {
  const taken = new Set(reserved);
  return async () => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
}
