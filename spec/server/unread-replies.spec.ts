// A client that sends commands and never reads the replies: the server stops running
// commands while its writes back up, and that wait is bounded by the idle timeout, so
// such a client cannot hold a session (and its buffers) for ever.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { within } from '../helpers/wait.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';

const IDLE_S = 1;

describe('a client that never reads its replies', () => {
  it('is closed within the idle timeout once the server writes back up', { timeout: 20_000 }, async () => {
    await using t = await startServer({ timeouts: { idle: IDLE_S } });
    const socket = connect({ host: '127.0.0.1', port: t.port });
    socket.on('error', () => {});
    await once(socket, 'connect');
    const ended = once(t.server, 'session-end');
    socket.pause(); // never read a reply
    // HELP answers with a few hundred bytes: 60,000 of them are far more than both
    // kernel buffers of a loopback connection hold, so the server's writes back up.
    socket.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`);
    socket.write('HELP\r\n'.repeat(60_000));
    const started = performance.now();
    await within(ended, 'the server to close a session that does not read', (IDLE_S + 4) * 1000);
    const took = performance.now() - started;
    assert.ok(took < (IDLE_S + 4) * 1000, `closed after ${took} ms`);
    socket.destroy();
  });
});
