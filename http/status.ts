import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { challenge, identify } from './auth.js';
import type { WebContext } from './context.js';
import { sendJson, startAnswer } from './respond.js';
import type { Handler } from './router.js';
import { managerPage, pagePolicy } from './page.js';
import { queryFlag } from './target.js';

// GET / : the server's status as JSON, or, for a browser, the file manager page. Both
// need the same login as the files, so the browser asks for credentials on the page
// itself and then sends them with every request the page makes.

/** True when the client would rather have HTML than JSON: what a browser's navigation sends. */
function wantsPage(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

export function statusRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const caller = await identify(context.backend, req);
    // The page's "log in" link: an anonymous visitor asks to be challenged.
    if (caller.implicit && queryFlag(target.query, 'login')) throw challenge('Log in');
    if (wantsPage(req)) {
      const nonce = randomBytes(16).toString('base64');
      const page = managerPage(nonce);
      startAnswer(res, 200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(page),
        'Content-Security-Policy': pagePolicy(nonce),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        Vary: 'Accept',
      });
      res.end(page);
      return;
    }
    const { backend, stats, started } = context;
    const ftp = backend.stats();
    const quota = caller.implicit ? null : await (await backend.filesystem(caller.account)).quota();
    const tls = backend.options.tls;
    sendJson(res, 200, {
      name: 'FtpPy',
      version: context.version,
      uptime: Math.round((Date.now() - started.getTime()) / 1000),
      started: started.toISOString(),
      ports: { ftp: backend.port, web: context.port() },
      tls: tls === null ? 'off' : tls.implicit ? 'implicit' : 'explicit',
      connections: ftp.connections,
      logins: ftp.logins,
      transfers: ftp.transfers,
      bytes: { in: ftp.bytesIn, out: ftp.bytesOut },
      ftp,
      web: { ...stats },
      user: { name: caller.account.name, anonymous: caller.account.anonymous, rights: caller.account.rights },
      // The caller's own quota, when the account has one (null: no limit of that kind).
      ...(quota ? { quota: { bytes: { used: quota.usage.bytes, limit: quota.limits.bytes }, files: { used: quota.usage.files, limit: quota.limits.files }, complete: quota.usage.complete } } : {}),
    }, { Vary: 'Accept' });
  };
}
