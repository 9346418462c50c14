// The package's version, for `GET /` and `ftppy --version`. Kept here rather than read
// from package.json at run time: vendored sources have no package.json beside them.
// spec/lib/version.spec.ts keeps the two equal. Everything that shows the version reads it here.
export const VERSION = '0.1.0';
