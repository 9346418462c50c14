export { FtpPy, type FtpPyOptions } from './ftppy.js';
export { Basic, Guest, type Auth } from './auth.js';
export { Timeout, Retry, Limits, type TimeoutOptions, type RetryOptions, type LimitsOptions } from './config.js';
export { SSL, type SSLOptions } from './settings.js';
export type { Hooks, ConnectionInfo } from '../common/hooks.js';
export type { Endpoint } from './endpoint.js';
export { Client } from './client.js';
export { borrowsChunks } from '../common/lent-chunks.js';
export type {
  ClientStats, TransferOptions, BatchOptions, ListOptions, MkdirOptions, RmdirOptions, OperationOptions, ProgressCallback, Pair, UploadSource,
  Direction, SyncOptions, VerifyOptions, MirrorOptions, BackupOptions, RestoreOptions, SearchOptions, TreeOptions, TreeProgress, TreeProgressCallback,
  TreeAction, Backup,
} from './client.js';
export type { ServeOptions, RunningServer, AuthenticatedAccount, Authenticator, BanOptions, ClientCertificate, LoginContext, UserAccountOptions } from './serve.js';
export type { ListingEntry, EntryType } from '../protocol/listing/entry.js';
export type { Reply } from '../protocol/reply.js';
export {
  FtpPyError, ConnectionError, ProtocolError, ReplyError, TimeoutError, InvalidArgumentError,
  type FtpPyErrorCode,
} from '../common/errors.js';
