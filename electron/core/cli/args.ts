// A small argv reader for the stylist command: positionals, `--flag`, and `--key value`.
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) flags.set(key, inline);
    else if (next !== undefined && !next.startsWith('--') && !BOOLEAN_FLAGS.has(key)) flags.set(key, argv[++i]!);
    else flags.set(key, true);
  }
  return { positionals, flags };
}

const BOOLEAN_FLAGS = new Set(['json', 'help', 'open', 'ceiling']);

export function stringFlag(args: ParsedArgs, key: string, fallback?: string): string {
  const v = args.flags.get(key);
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${key} <value> is required`);
}

export class UsageError extends Error {}
