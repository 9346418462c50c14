// The client against every reference server (shared/peers): plain, explicit and implicit
// FTPS (vsftpd requires TLS session reuse on data connections). A peer that is not up
// fails its own suite (its factory asserts it), not the others.
import { clientSuite } from '../helpers/client-suite.js';
import { factoryFor, loadPeers, peer } from '../helpers/peers.js';

const chmodAllowed: Record<string, boolean> = { vsftpd: false, 'vsftpd-ftps': false, 'vsftpd-implicit': false };

for (const p of loadPeers()) {
  clientSuite({
    name: `${p.name} (${p.tls === 'none' ? 'plain' : `${p.tls} FTPS`})`,
    factory: (extra = {}) => factoryFor(peer(p.name), extra),
    root: p.root,
    pub: p.pub_dir,
    writable: p.writable_dir,
    secure: p.tls !== 'none',
    chmod: chmodAllowed[p.name] ?? true,
  });
}
