import { createServer } from 'node:net';

// Ports are drawn below the kernel's ephemeral range (32768-60999 on Linux): a port taken
// from that range by listen(0) is free only until some outgoing connection of another
// spec is given it, which made `serve --port N` fail with EADDRINUSE under load. Below
// it, only listeners told a port can collide, and the probe sees those.
const LOW = 20_000;
const HIGH = 32_000;

function bindable(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A port that was free a moment ago, with the one after it free too (`serve` puts its web
 * API on port + 1), for what must be told a port rather than pick one (`serve --port`, an
 * endpoint URL).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if ((await bindable(port)) && (await bindable(port + 1))) return port;
  }
}
