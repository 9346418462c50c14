// One FtpPy node of the cluster spec, as its own process: `node --import tsx
// cluster-node.ts '<json>'` starts a server from the JSON options and writes one JSON line
// per event to stdout ({ "event": "listening", "port": … } first), so the spec sees what
// each node saw (the client addresses above all) and can SIGKILL a node mid-transfer.
import { readFileSync } from 'node:fs';
import { startWebServer } from '../../http/index.js';
import { createServer, type ServerOptions } from '../../server/index.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ServerOptions & { tlsFiles?: { cert: string; key: string } };
const { tlsFiles, ...options } = config;
if (tlsFiles) options.tls = { ...options.tls, cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key) };

const say = (event: string, data: object = {}): void => void process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
const server = await createServer(options);
for (const event of ['session', 'session-end', 'login', 'login-failed', 'proxy-refused'] as const) {
  server.on(event, (e: object) => say(event, e));
}
server.on('transfer', ({ session, address, direction, path, bytes, ok }) => say('transfer', { session, address, direction, path, bytes, ok }));
// The counters, for the spec to compare with what the clients did.
process.on('SIGUSR2', () => say('stats', server.stats()));
// The web port, for its /metrics: what the spec reads to see the node's counters.
const web = await startWebServer({ server, host: options.host ?? '127.0.0.1', port: 0 });
process.on('SIGTERM', () => void Promise.all([server.close(), web.close()]).then(() => process.exit(0)));
say('listening', { port: server.port, web: web.port });
