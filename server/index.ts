// The FTP server, for lib/serve.ts and for the web API (http/), which serves the same
// users and files: `server.authenticate(name, password)` → an Account (or null), and
// `server.filesystem(account)` → that user's UserFileSystem (stat, list, read, upload,
// mkdir, rmdir, remove, rename, setModified, chmod), rights and root included.
export { createServer, FtpServer } from './server.js';
export type { ProxyProtocolOptions } from './options.js';
export type { ConnectionOrigin } from './proxy.js';
export type {
  AnonymousOptions,
  AuthenticatedAccount,
  Authenticator,
  BanOptions,
  LoginContext,
  PassiveOptions,
  Rights,
  ServerLimits,
  ServerOptions,
  ServerTimeouts,
  ServerTlsOptions,
  UserAccountOptions,
} from './options.js';
export type { ServerStats, ServerEvents, SessionEvent, LoginEvent, TransferEvent, DirectionStats, TransferDirection } from './events.js';
export type { ServerCounters } from './stats.js';
export { followEvents, type LogRecord } from './event-log.js';
export { UserDirectory, type Account } from './users.js';
export { loginDeadline, type LoginRequest } from './authentication.js';
export { verifiedCertificate, type CertificateRule, type ClientCertificate } from './client-certificate.js';
export { UserFileSystem, type FileInfo, type Upload, type UploadMode } from './fs/user-fs.js';
export { FileSystemError, type FileSystemErrorCode } from './fs/errors.js';
export type { Storage, StorageEntry, StorageStat, StorageKind, WriteMode } from './fs/storage.js';
export { DiskStorage } from './fs/disk.js';
export { MemoryStorage } from './fs/memory.js';
export { transferThrottle, type Quota, type QuotaOptions, type Rate, type RateOptions } from './account-policy.js';
export type { DeadProperties } from './fs/dead-properties.js';
