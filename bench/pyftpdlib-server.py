# pyftpdlib in a process of its own, configured as the other servers of the benchmarks:
# one user with every right on the root, a passive port range, no limit on clients, and
# logging at WARNING (its default writes a line per command, a cost the others do not pay).
# Usage: pyftpdlib-server.py HOST PORT ROOT USER PASSWORD PASV_MIN PASV_MAX
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.log import config_logging
from pyftpdlib.servers import FTPServer

host, port, root, user, password, pasv_min, pasv_max = sys.argv[1:8]
config_logging(level=logging.WARNING)
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm='elradfmwMT')
FTPHandler.authorizer = authorizer
FTPHandler.passive_ports = list(range(int(pasv_min), int(pasv_max) + 1))
server = FTPServer((host, int(port)), FTPHandler)
server.max_cons = 4096
server.max_cons_per_ip = 0
print('listening', port, flush=True)
server.serve_forever(handle_exit=True)
