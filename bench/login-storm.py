# The login storm's client (issue 14): N raw asyncio connections opened at once, each
# reads the 220, sends USER, PASS and QUIT and waits for 331, 230 and 221, then closes.
# argv: host port user password clients. Prints one JSON line: the seconds from the
# first connect to the last close, and the failures. A raw client so that the client's
# cost is the same small constant against every server.
import asyncio, json, sys, time

async def reply(reader):
    # the final line of a reply: "ddd " (a multi-line reply's last line)
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError('closed')
        if len(line) >= 4 and line[:3].isdigit() and line[3:4] == b' ':
            return line[:3].decode()

async def session(host, port, user, password):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for send, want in ((None, '220'), (f'USER {user}', '331'), (f'PASS {password}', '230'), ('QUIT', '221')):
            if send:
                writer.write(send.encode() + b'\r\n')
            code = await reply(reader)
            if code != want:
                raise ConnectionError(f'{send}: {code}, not {want}')
    finally:
        writer.close()

async def main():
    host, port, user, password, clients = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    started = time.perf_counter()
    results = await asyncio.gather(*(asyncio.wait_for(session(host, port, user, password), 30) for _ in range(clients)), return_exceptions=True)
    seconds = time.perf_counter() - started
    failures = [repr(r) for r in results if isinstance(r, BaseException)]
    print(json.dumps({'seconds': seconds, 'failures': len(failures), 'samples': failures[:3]}))

asyncio.run(main())
