// Parser micro-benchmark (issue 2): our ListingParser and ReplyParser against basic-ftp's
// parseList and parseControlResponse, on the same prebuilt input in the same process,
// in alternating rounds. Each side is fed the way its library is fed in real use:
//   ours       64 KiB Buffer chunks, as the data and control sockets deliver them;
//   basic-ftp  listings: the chunks joined and decoded once, then parseList (what its
//              StringWriter + parseList do); replies: each chunk decoded to a string and
//              appended to the unfinished rest, then parseControlResponse (what its
//              FtpContext does; its 64 KiB cap on the rest is left out here).
// FTPPY_BENCH_ROUNDS sets the number of rounds (default 7); medians are reported.
import { StringDecoder } from 'node:string_decoder';
import { ListingParser } from '../protocol/listing/index.js';
import { ReplyParser } from '../protocol/reply.js';
import { chunked, mlsdListing, replyStream, unixListing } from './inputs.js';
import { machine, writeSection } from './results.js';
import { median } from './stats.js';

// basic-ftp lives in bench/node_modules only; a computed specifier keeps the root type
// check from needing it.
type ParseList = (text: string) => unknown[];
type ParseControlResponse = (text: string) => { messages: string[]; rest: string };
const basicFtp = 'basic-ftp/dist/';
const { parseList } = (await import(`${basicFtp}parseList.js`)) as { parseList: ParseList };
const { parseControlResponse } = (await import(`${basicFtp}parseControlResponse.js`)) as { parseControlResponse: ParseControlResponse };

const ROUNDS = Number(process.env.FTPPY_BENCH_ROUNDS ?? 7);
const NOW = new Date('2026-11-25T12:00:00Z');

interface Case {
  input: string;
  bytes: number;
  unit: string;
  ours: () => number;
  theirs: () => number;
}

function listingCase(input: string, unit: string, bytes: Buffer): Case {
  const chunks = chunked(bytes);
  return {
    input,
    unit,
    bytes: bytes.length,
    ours: () => {
      const parser = new ListingParser({ now: NOW });
      let count = 0;
      for (const chunk of chunks) count += parser.push(chunk).length;
      return count + parser.end().length;
    },
    theirs: () => parseList(Buffer.concat(chunks).toString('utf8')).length,
  };
}

// Keeps the replies each side builds observable, so the optimiser cannot drop them.
let sink = 0;
const reply = (r: { code: number; message: string }): boolean => {
  sink ^= r.code;
  return r.message.length >= 0;
};

function replyCase(bytes: Buffer): Case {
  const chunks = chunked(bytes);
  return {
    input: '1,000,000 replies (10% multi-line)',
    unit: 'replies',
    bytes: bytes.length,
    ours: () => {
      const parser = new ReplyParser();
      let count = 0;
      for (const chunk of chunks) for (const r of parser.push(chunk)) if (reply(r)) count++;
      return count;
    },
    theirs: () => {
      const decoder = new StringDecoder('utf8');
      let rest = '';
      let count = 0;
      for (const chunk of chunks) {
        const parsed = parseControlResponse(rest + decoder.write(chunk));
        rest = parsed.rest;
        // what FtpContext makes of each message before handing it on
        for (const message of parsed.messages) if (reply({ code: Number.parseInt(message.substr(0, 3), 10), message })) count++;
      }
      return count;
    },
  };
}

const before = machine(); // the load before this run adds its own
console.log('building inputs…');
const cases = [
  listingCase('Unix listing, 100,000 lines', 'entries', unixListing(100_000)),
  listingCase('MLSD listing, 100,000 lines', 'entries', mlsdListing(100_000)),
  replyCase(replyStream(1_000_000)),
];

// No forced collection between measurements: a full GC shrinks the young generation,
// which made the side that allocates more (ours: a Reply object per reply) pay for it.
function time(run: () => number): { ms: number; count: number } {
  const start = process.hrtime.bigint();
  const count = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, count };
}

// Case by case: a warm-up run of each side (not counted), then rounds that alternate
// which side goes first, so that a slow moment of a shared machine hits both.
const results = cases.map((c) => {
  const r = { ours: [] as number[], theirs: [] as number[], oursCount: 0, theirsCount: 0 };
  for (let round = -1; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
    for (const side of order) {
      const { ms, count } = time(c[side]);
      if (round >= 0) r[side].push(ms);
      if (side === 'ours') r.oursCount = count;
      else r.theirsCount = count;
    }
  }
  console.log(`${c.input}: done`);
  return r;
});

const mb = (bytes: number, ms: number): string => ((bytes / 1024 / 1024) / (ms / 1000)).toFixed(0);
const rows = cases.map((c, i) => {
  const r = results[i]!;
  const ours = median(r.ours);
  const theirs = median(r.theirs);
  const counts = r.oursCount === r.theirsCount ? `${r.oursCount}` : `${r.oursCount} / ${r.theirsCount}`;
  return `| ${c.input} | ${(c.bytes / 1024 / 1024).toFixed(1)} MB | ${counts} | ${ours.toFixed(1)} ms (${mb(c.bytes, ours)} MB/s) | ${theirs.toFixed(1)} ms (${mb(c.bytes, theirs)} MB/s) | **${(theirs / ours).toFixed(2)}×** |`;
});
const table = [
  '| input | size | entries/replies (ours / basic-ftp) | FtpPy | basic-ftp 6 | FtpPy ÷ basic-ftp (speed) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
console.log(`\n${table}\n`);

writeSection(
  'parsers',
  `## Parsers: listings and replies (issue 2)

\`npm run bench -- parsers\` (that is \`node --import tsx bench/run.ts parsers\`), ${ROUNDS} rounds after a warm-up, medians; ${before}.

${table}

Both sides parse the same bytes in the same process, alternating which goes first. FtpPy
is fed 64 KiB Buffer chunks (ListingParser, ReplyParser: decoding included); basic-ftp as
it feeds itself: listings joined and decoded once, then \`parseList\`; replies decoded chunk
by chunk and appended to the unfinished rest, then \`parseControlResponse\`. FtpPy also
turns dates into \`Date\`s and modes into octal, which basic-ftp leaves as text for
\`ls -l\` listings. Where the reply counts differ, basic-ftp dropped the single-line
replies that a chunk boundary cut in two.`,
);
console.log(`written to bench/RESULTS.md${sink === -1 ? '' : ''}`);
