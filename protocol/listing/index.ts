// Listings: LIST (Unix ls -l, DOS/IIS) and MLSD/MLST (RFC 3659), read and written.
export type { EntryType, ListingEntry } from './entry.js';
export { ListingParser, parseListing, type ListingFormat, type ListingParserOptions } from './parser.js';
export { parseMlstEntry } from './mlsx.js';
export {
  MLST_FACTS,
  formatMlsxLine,
  formatUnixLine,
  UnixLineFormatter,
  mlstFeature,
  selectMlstFacts,
  type MlsxFormatOptions,
  type MlstFact,
} from './format.js';
