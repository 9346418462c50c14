// Tree operations against vsftpd (LIST only, no MFMT: times go up by its two-argument
// MDTM, and come back by MDTM) and pyftpdlib (MLSD, MFMT), behind the fault-injecting
// proxy, which also counts the RETR and STOR commands. A peer that is down fails its
// suite (shared/peers/start brings it up).
import { join } from 'node:path';
import { factoryFor, peer, uniqueName } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { treeSuite } from '../helpers/tree-suite.js';

for (const name of ['vsftpd', 'pyftpdlib']) {
  treeSuite(name, async () => {
    const p = peer(name);
    const proxy = await FtpProxy.start({ host: p.host, port: p.port });
    const base = `${p.writable_dir}/${uniqueName('tree')}`;
    return {
      factory: (options = {}) => factoryFor({ ...p, host: '127.0.0.1', port: proxy.port }, options),
      proxy,
      base,
      disk: join(p.root, base),
      transfers: () => proxy.commands.filter((command) => /^(RETR|STOR) /i.test(command)).length,
      hashes: false,
      close: () => proxy.close(),
    };
  });
}
