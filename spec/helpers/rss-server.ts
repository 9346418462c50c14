// Our FTP server alone in a child process, so that its memory is its own to measure.
// Usage: node --import tsx spec/helpers/rss-server.ts <root>. It prints {"port": n} once
// listening, samples its RSS every 20 ms, and answers lines on stdin: `reset` (start a
// new peak), `report` (prints {"baseline", "peak"} in bytes), `close` (exits).
import { createInterface } from 'node:readline';
import { createServer } from '../../server/index.js';

const root = process.argv[2];
if (!root) throw new Error('usage: rss-server.ts <root>');
const server = await createServer({ host: '127.0.0.1', port: 0, root, users: [{ name: 'big', password: 'big' }] });
let baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reset') {
    baseline = process.memoryUsage().rss;
    peak = baseline;
  } else if (line === 'report') {
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(`${JSON.stringify({ baseline, peak })}\n`);
  } else if (line === 'close') {
    break;
  }
}
clearInterval(sampler);
await server.close();
