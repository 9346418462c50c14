// The login storm's floor for a Node server: net.createServer answering the storm's four
// lines (220, USER 331, PASS 230, QUIT 221) with no FTP behind them: no account, no
// filesystem, no limits. What it costs per login is what Node's sockets cost, which no
// FTP server on Node can go below. argv[2] is the JSON { port }; prints "listening <port>".
import { createServer } from 'node:net';

const { port } = JSON.parse(process.argv[2]!) as { port: number };
const ANSWERS: Record<string, string> = { USER: '331 Password\r\n', PASS: '230 Logged in\r\n', QUIT: '221 Bye\r\n' };

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.write('220 Ready\r\n');
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const verb = pending.slice(0, end).trim().split(' ')[0]!.toUpperCase();
      pending = pending.slice(end + 1);
      const answer = ANSWERS[verb] ?? '502 Not here\r\n';
      if (verb === 'QUIT') socket.end(answer);
      else socket.write(answer);
    }
  });
});
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
