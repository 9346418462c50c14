// Our server in a process of its own, for the end-to-end benchmarks: argv[2] is a JSON
// { port, root, user, password, pasv: [min, max] }; prints "listening <port>" once it
// listens and closes on SIGTERM.
import { Basic, FtpPy, Limits } from '../lib/index.js';

const { port, root, user, password, pasv } = JSON.parse(process.argv[2]!) as { port: number; root: string; user: string; password: string; pasv: [number, number] };
// The limits of a public server (default 100 clients, 10 per address) would turn the
// load benchmark's 200 sessions from one address away.
const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, { auth: new Basic(user, password), limits: new Limits({ connections: 2000, host: 2000 }) });
const server = await ftp.server({ root, web: false, pasv: { min: pasv[0], max: pasv[1] } });
console.log(`listening ${server.port}`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
