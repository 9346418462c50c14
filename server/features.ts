import { mlstFeature } from '../protocol/listing/index.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../common/hash.js';
import type { ResolvedOptions } from './options.js';

/** What a session has chosen that FEAT marks. */
export interface FeatureChoices {
  readonly hashAlgorithm: HashAlgorithm;
  readonly mlstFacts: readonly string[] | null;
}

/**
 * The FEAT lines (RFC 2389), built from what this server does and this session has
 * chosen (`*` marks the selected hash and MLST facts). Everything listed here works;
 * nothing that works is left out, since clients only use what FEAT names.
 */
export function featureLines(tls: ResolvedOptions['tls'], session: FeatureChoices): string[] {
  const lines: string[] = [];
  if (tls && !tls.implicit) lines.push('AUTH TLS');
  lines.push('EPRT', 'EPSV');
  lines.push(`HASH ${HASH_ALGORITHMS.map((a) => (a === session.hashAlgorithm ? `${a}*` : a)).join(';')}`);
  lines.push('HOST', 'MDTM', 'MFMT');
  lines.push(session.mlstFacts === null ? mlstFeature() : mlstFeature(session.mlstFacts));
  if (tls) lines.push('PBSZ', 'PROT');
  lines.push('REST STREAM', 'SIZE', 'TVFS', 'UTF8');
  return lines.map((line) => ` ${line}`);
}
