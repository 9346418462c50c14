// ftp-srv (bench/node_modules) in a process of its own, configured as our server is:
// argv[2] is a JSON { port, root, user, password, pasv: [min, max] }; prints "listening <port>".
import { createRequire } from 'node:module';

const { port, root, user, password, pasv } = JSON.parse(process.argv[2]!) as { port: number; root: string; user: string; password: string; pasv: [number, number] };
const require = createRequire(import.meta.url);

interface LoginData {
  username: string;
  password: string;
}
interface FtpSrvInstance {
  on(event: 'login', handler: (data: LoginData, resolve: (o: { root: string }) => void, reject: (e: Error) => void) => void): void;
  listen(): Promise<unknown>;
  close(): Promise<unknown>;
}
type FtpSrvClass = new (options: Record<string, unknown>) => FtpSrvInstance;
const { FtpSrv } = require('ftp-srv') as { FtpSrv: FtpSrvClass };
const bunyan = require('bunyan') as { createLogger(o: { name: string; level: string }): unknown };

// Its default logger writes a line per command to stdout: a cost the others do not pay.
const log = bunyan.createLogger({ name: 'ftp-srv', level: 'fatal' });
const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', pasv_min: pasv[0], pasv_max: pasv[1], log, anonymous: false });
server.on('login', (data, resolve, reject) => {
  if (data.username === user && data.password === password) resolve({ root });
  else reject(new Error('Login incorrect'));
});
await server.listen();
console.log(`listening ${port}`);
