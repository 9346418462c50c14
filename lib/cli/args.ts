// Command-line arguments for `ftppy`: parsed against a table of the options each
// command takes, so that a typo is a usage error (exit 2) rather than a silent default.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  /** Long name without dashes: `parallel` for `--parallel`. */
  name: string;
  /** One-letter alias: `R` for `-R`. */
  short?: string;
  /** 'flag' takes no value; 'string' and 'number' take one (`--x v` or `--x=v`). */
  kind: 'flag' | 'string' | 'number';
  /** May be given several times; the values are collected in order. */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | number | boolean | (string | number)[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const out: ParsedArgs = { positionals: [], options: {} };

  const set = (spec: OptionSpec, raw: string | undefined, shown: string): void => {
    let value: string | number | boolean = true;
    if (spec.kind !== 'flag') {
      if (raw === undefined) throw new UsageError(`${shown} needs a value`);
      value = spec.kind === 'number' ? toNumber(raw, shown) : raw;
    } else if (raw !== undefined) {
      throw new UsageError(`${shown} takes no value`);
    }
    if (spec.repeat) {
      const list = (out.options[spec.name] as (string | number)[] | undefined) ?? [];
      list.push(value as string | number);
      out.options[spec.name] = list;
    } else {
      out.options[spec.name] = value;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown option --${name}`);
      const inline = eq === -1 ? undefined : arg.slice(eq + 1);
      set(spec, spec.kind === 'flag' || inline !== undefined ? inline : argv[++i], `--${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      // -Rl is -R -l; a short option that takes a value takes the rest or the next argument
      for (let j = 1; j < arg.length; j++) {
        const spec = byShort.get(arg[j]!);
        if (!spec) throw new UsageError(`unknown option -${arg[j]}`);
        if (spec.kind === 'flag') {
          set(spec, undefined, `-${arg[j]}`);
          continue;
        }
        set(spec, j + 1 < arg.length ? arg.slice(j + 1) : argv[++i], `-${arg[j]}`);
        break;
      }
    } else {
      out.positionals.push(arg);
    }
  }
  return out;
}

function toNumber(raw: string, shown: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${shown} wants a number, got ${JSON.stringify(raw)}`);
  return n;
}
