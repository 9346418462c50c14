// The FTP server, for lib/serve.ts and for the web API (http/), which serves the same
// users and files: `server.authenticate(name, password)` → an Account (or null), and
// `server.filesystem(account)` → that user's UserFileSystem (stat, list, read, upload,
// mkdir, rmdir, remove, rename, setModified, chmod), rights and root included.
export { createServer, FtpServer } from './server.js';
export type {
  AnonymousOptions,
  PassiveOptions,
  Rights,
  ServerLimits,
  ServerOptions,
  ServerTimeouts,
  ServerTlsOptions,
  UserAccountOptions,
} from './options.js';
export type { ServerStats, ServerEvents, SessionEvent, LoginEvent, TransferEvent } from './events.js';
export { UserDirectory, type Account } from './users.js';
export { UserFileSystem, type FileInfo, type Upload, type UploadMode } from './fs/user-fs.js';
export { FileSystemError, type FileSystemErrorCode } from './fs/errors.js';
export type { Storage, StorageEntry, StorageStat, StorageKind, WriteMode } from './fs/storage.js';
export { DiskStorage } from './fs/disk.js';
export { MemoryStorage } from './fs/memory.js';
export type { DeadProperties } from './fs/dead-properties.js';
