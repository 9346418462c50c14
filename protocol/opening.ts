/**
 * The size a transfer's opening reply (150) announces, as vsftpd, proftpd and FtpPy's
 * server word it: `150 Opening BINARY mode data connection for f (1234 bytes).` Null when
 * the reply names none (pyftpdlib, pure-ftpd say it otherwise or not at all). A client
 * that trusts it spares a SIZE round trip per file.
 */
export function announcedSize(message: string): number | null {
  // The last one: the size follows the file's name, which may itself look like a size.
  let size: number | null = null;
  for (const match of message.matchAll(/\((\d{1,15}) bytes?\)/g)) size = Number(match[1]);
  return size;
}
