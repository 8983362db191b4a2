// How commands print: a sentence for people, or with --json one JSON object as the last line.
import type { ParsedArgs } from './args.ts';

export function printResult<T extends object>(args: ParsedArgs, result: T, sentence: (r: T) => string): void {
  if (args.flags.has('json')) console.log(JSON.stringify(result));
  else console.log(sentence(result));
}

/** A progress callback writing one self-overwriting line to stderr (stdout stays clean for --json). */
export function progressLine(what: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 500) return;
    last = now;
    process.stderr.write(`\r${what} ${done}/${total}${done === total ? '\n' : ''}`);
  };
}
