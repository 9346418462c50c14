import { createServer, type AddressInfo } from 'node:net';

/** A port that was free a moment ago, for what must be told a port rather than pick one (`serve --port`, an endpoint URL). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
