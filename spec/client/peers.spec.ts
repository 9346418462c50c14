// The client against every reference server (shared/peers): plain, explicit and implicit
// FTPS (vsftpd requires TLS session reuse on data connections).
import { clientSuite } from '../helpers/client-suite.js';
import { factoryFor, loadPeers, peer } from '../helpers/peers.js';

const chmodAllowed: Record<string, boolean> = { vsftpd: false, 'vsftpd-ftps': false, 'vsftpd-implicit': false };

for (const { name } of loadPeers()) {
  const p = peer(name);
  clientSuite({
    name: `${name} (${p.tls === 'none' ? 'plain' : `${p.tls} FTPS`})`,
    factory: (extra = {}) => factoryFor(p, extra),
    root: p.root,
    pub: p.pub_dir,
    writable: p.writable_dir,
    secure: p.tls !== 'none',
    chmod: chmodAllowed[name] ?? true,
  });
}
