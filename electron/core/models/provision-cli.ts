// `node electron/core/models/provision-cli.ts [--offline] [--mirror <dir>]` (npm run provision):
// provisions every model in models/manifest.json for this checkout and says what it did.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../paths.ts';
import { MIRROR_ENV, provisionModels } from './provision.ts';

const USAGE = `usage: node electron/core/models/provision-cli.ts [--offline] [--mirror <dir>]
  --offline       never download; use the mirror folder or files already provisioned
  --mirror <dir>  folder holding the model source files (default: $${MIRROR_ENV})`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { offline: { type: 'boolean' }, mirror: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const repoRoot = REPO_ROOT;
  try {
    const results = await provisionModels({
      repoRoot,
      ...(args.mirror !== undefined ? { mirrorDir: args.mirror } : {}),
      allowDownload: !args.offline,
      log: (line) => console.log(`  ${line}`),
    });
    for (const r of results) {
      const how = r.status === 'converted' ? `converted (source from ${r.sourceFrom})` : 'already up to date';
      console.log(`${r.id}: ${how} -> ${path.relative(repoRoot, r.onnxPath)} in ${(r.ms / 1000).toFixed(1)} s`);
    }
    return 0;
  } catch (error) {
    console.error(`model provisioning failed:\n${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
