// The `stylist` command: batch work for stylists and the measurements the README and the *.md reports quote.
// With --json, the last line printed is one JSON object.
import path from 'node:path';
import { openCore } from '../core.ts';
import { GENERATED_MODELS_DIR, RENDERER_DIST_DIR, defaultLibraryDir } from '../paths.ts';
import { startBridge } from '../bridge/http-bridge.ts';
import { expandPaths } from '../library/import-sources.ts';
import { UsageError, parseArgs, stringFlag } from './args.ts';
import type { ParsedArgs } from './args.ts';
import { evalEmbeddings } from './commands/eval-embeddings.ts';
import { trainHeadsCommand } from './commands/train-heads.ts';
import { evalTypes } from './commands/eval-types.ts';
import { evalHashing } from './commands/eval-hashing.ts';
import { benchHashing } from './commands/bench-hashing.ts';
import { evalCompat } from './commands/eval-compat.ts';
import { scoreCommand } from './commands/score.ts';
import { trainCompatCommand } from './commands/train-compat.ts';
import { benchSuggest } from './commands/bench-suggest.ts';
import { benchImport } from './commands/bench-import.ts';
import { benchLoad } from './commands/bench-load.ts';
import { evalPersonalCommand } from './commands/eval-personal.ts';
import { benchFinetune } from './commands/bench-finetune.ts';
import pkg from '../../../package.json' with { type: 'json' };

const USAGE = `stylist <command>

  serve [--library DIR] [--port N]     serve the app's window on 127.0.0.1 (the browser fallback)
  import <path...> [--library DIR] [--person NAME] [--json]
                                       import photos (files or folders) into a person's wardrobe
  bench import --data DIR [--limit N] [--json]
                                       import rate end to end vs the backbone alone
  bench load --data DIR [--items N] [--wardrobe N] [--json]
                                       a 20,000-item library: memory, open time, API latency during an import
  bench finetune --data DIR [--wardrobe N] [--json]
                                       judgement to re-ranked suggestions, with 200 judgements held
  eval personal --lookbook DIR [--model DIR] [--people test|dev] [--seed N] [--blame-rate R] [--json]
                                       personalisation with SYNTHETIC people (AUC, liked share in top 20)
  eval personal --ceiling --lookbook DIR [--people test|dev] [--seed N] [--json]
                                       the most those people's answers can teach on the frozen features
  eval embeddings --data DIR [--json]  5-NN accuracy of the backbone's embeddings (clothing dataset, test people)
  train heads --data DIR [--out models/heads] [--json]
                                       train the garment-type and hashing heads, export them to ONNX
  eval types --data DIR [--heads DIR] [--json]
                                       garment type accuracy (coarse, fine) on the test people, with a linear probe
  eval hashing --data DIR [--heads DIR] [--json]
                                       "more like this": mAP@50 of Hamming codes vs float cosine, test people
  bench hashing [--items N] [--json]   top-50 over 100,000 items: Hamming codes vs a float cosine scan
  train compat --lookbook DIR --out MODEL_DIR [--json]
                                       teach the house style: train the outfit model on a lookbook
  train compat --clothing DIR --out models/compat [--json]
                                       build the shipped outfit model (a prior; CC0 data only)
  eval compat --lookbook DIR [--compare MODEL_DIR] [--json]
                                       outfit compatibility on held-out tops (AUC, FITB) with baselines
  score --lookbook DIR [--model MODEL_DIR] [--json]
                                       score every outfit of a lookbook's outfits.csv
  bench suggest [--data DIR] [--model MODEL_DIR] [--json]
                                       outfit search latency (wardrobe, catalogue) and recall
`;

/** Commands by their words; the longest match of the leading positionals wins ("eval embeddings"). */
const COMMANDS: Record<string, (args: ParsedArgs) => Promise<void>> = {
  serve: serveCommand,
  import: importCommand,
  'eval embeddings': evalEmbeddings,
  'train heads': trainHeadsCommand,
  'eval types': evalTypes,
  'eval hashing': evalHashing,
  'bench hashing': benchHashing,
  'train compat': trainCompatCommand,
  'eval compat': evalCompat,
  score: scoreCommand,
  'bench suggest': benchSuggest,
  'bench import': benchImport,
  'bench load': benchLoad,
  'eval personal': evalPersonalCommand,
  'bench finetune': benchFinetune,
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.positionals.length === 0 || args.flags.has('help')) {
    process.stdout.write(USAGE);
    return;
  }
  for (let words = Math.min(2, args.positionals.length); words > 0; words--) {
    const run = COMMANDS[args.positionals.slice(0, words).join(' ')];
    if (run) {
      args.positionals.splice(0, words);
      return run(args);
    }
  }
  throw new UsageError(`unknown command: ${args.positionals.slice(0, 2).join(' ')}`);
}

/** `window`: the library is opened for the app's window (serve), which keeps its items described by the current models. */
function openLibrary(args: ParsedArgs, use: 'window' | 'task' = 'task') {
  return openCore({
    libraryDir: stringFlag(args, 'library', defaultLibraryDir()),
    modelDir: stringFlag(args, 'models', GENERATED_MODELS_DIR),
    shell: 'browser',
    version: pkg.version,
    log: (m) => console.error(`[core] ${m}`),
    updateDescriptions: use === 'window',
  });
}

async function serveCommand(args: ParsedArgs): Promise<void> {
  const core = openLibrary(args, 'window');
  const bridge = await startBridge({ core, staticDir: RENDERER_DIST_DIR, port: Number(stringFlag(args, 'port', '0')) });
  console.log(`Library: ${core.services.files.root}`);
  console.log(`The stylist is running in your browser at:\n\n  ${bridge.pageUrl}\n`);
  console.log(`STYLIST_URL=${bridge.pageUrl}`);
  const stop = async () => {
    await bridge.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function importCommand(args: ParsedArgs): Promise<void> {
  if (args.positionals.length === 0) throw new UsageError('import needs at least one file or folder');
  const core = openLibrary(args);
  try {
    const { people } = core.services;
    const personName = stringFlag(args, 'person', 'Me');
    const person = people.list().find((p) => p.name === personName) ?? people.create(personName);
    const job = core.services.startImport(person.id, await expandPaths(args.positionals.map((p) => path.resolve(p))));
    const timer = setInterval(() => {
      const p = job.snapshot();
      process.stderr.write(`\r${p.done}/${p.total} imported ${p.imported}, duplicates ${p.duplicates}, failed ${p.failed.length}, ${p.rate}/s   `);
    }, 500);
    const result = await job.finished;
    clearInterval(timer);
    process.stderr.write('\n');
    for (const f of result.failed) console.error(`failed: ${f.file}: ${f.error}`);
    const summary = { person: person.name, imported: result.imported, duplicates: result.duplicates, failed: result.failed.length, total: result.total, provider: core.services.provider() };
    console.log(args.flags.has('json') ? JSON.stringify(summary) : `Imported ${summary.imported} of ${summary.total} (duplicates ${summary.duplicates}, failed ${summary.failed}) into ${person.name}'s wardrobe.`);
  } finally {
    await core.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`stylist: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`stylist: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
