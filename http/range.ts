// Byte ranges (RFC 9110 §14, formerly RFC 7233). Pure: a header and a size in, a
// decision out. One range is served as 206; several are answered with the whole file
// (§14.2 lets a server ignore Range), which spares us multipart/byteranges for a case
// download tools do not need.

export type RangeDecision =
  | { kind: 'whole' }
  | { kind: 'unsatisfiable' }
  | { kind: 'part'; start: number; end: number }; // end inclusive, as Content-Range writes it

const SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'whole' };
  const m = /^bytes[ \t]*=[ \t]*(.*)$/i.exec(header);
  if (!m) return { kind: 'whole' }; // another unit, or not a range: ignored (§14.2)
  const parts: { start: number; end: number }[] = [];
  let specs = 0;
  for (const item of m[1]!.split(',')) {
    const spec = item.trim();
    if (spec === '') continue; // the list rule allows empty elements
    const s = SPEC.exec(spec);
    if (!s) return { kind: 'whole' }; // invalid syntax: the whole header is ignored
    specs++;
    if (s[3] !== undefined) {
      const length = Number(s[3]);
      if (length > 0 && size > 0) parts.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(s[1]);
    const last = s[2] === '' ? Infinity : Number(s[2]);
    if (last < start) return { kind: 'whole' };
    if (start < size) parts.push({ start, end: Math.min(last, size - 1) });
  }
  if (specs === 0) return { kind: 'whole' };
  if (parts.length === 0) return { kind: 'unsatisfiable' };
  if (parts.length > 1) return { kind: 'whole' };
  return { kind: 'part', ...parts[0]! };
}
