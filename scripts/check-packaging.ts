// Checks electron-builder.yml against the tree, before anything is packaged:
//  1. the config says what we rely on (npmRebuild false, the models as extraResources, the targets, ...);
//  2. every `files` and `asarUnpack` pattern matches something (a pattern that matches nothing is a typo
//     or a leftover). Patterns under dist/ can only be checked once `npm run build` has run: without dist/
//     they are reported as skipped, or as errors with --require-build (use that right before packaging);
//  3. every native file (.node, .so, .so.N, .dylib, .dll) of the production dependencies is unpacked by an
//     asarUnpack pattern (native code cannot be loaded from inside app.asar);
//  4. electron-builder itself reads the config and validates it against its JSON schema;
//  5. every native module is Node-API, since nothing is rebuilt for Electron: each .node file must export
//     Node-API's entry point (napi_register_module_v1, or call napi_module_register); a package with a
//     binding.gyp and no prebuilt binary would compile at install time against Node, not Electron.
//
// Usage: node scripts/check-packaging.ts [--require-build] [--json]. Exit code 1 when there are errors.
// Patterns are matched as electron-builder does (minimatch with dot: true, in order, `!` excludes, and a
// pattern without a dot or glob also covers its folder's contents). js-yaml and minimatch are the copies
// electron-builder itself installs and uses.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

interface MinimatchLike {
  negate: boolean;
  set: unknown[][];
  match(file: string): boolean;
}
type MinimatchCtor = new (pattern: string, options: { dot: boolean }) => MinimatchLike;

function loadDeps(): { loadYaml(text: string): unknown; Minimatch: MinimatchCtor } {
  try {
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const { Minimatch } = require('minimatch') as { Minimatch: MinimatchCtor };
    return { loadYaml: (text) => yaml.load(text), Minimatch };
  } catch (error) {
    throw new Error(`js-yaml and minimatch (installed with electron-builder) are needed: ${String(error)}`, { cause: error });
  }
}

export interface NativeModule {
  name: string;
  /** Package folder, relative to the project, posix. */
  dir: string;
  binaries: string[];
  /** Why we believe it is Node-API. */
  evidence: string[];
}

export interface PackagingReport {
  errors: string[];
  /** Checks that could not run here (e.g. dist/ not built yet). */
  skipped: string[];
  nativeModules: NativeModule[];
  /** Native files of the production dependencies, all covered by asarUnpack when `errors` is empty. */
  nativeFiles: string[];
  productionPackages: string[];
}

/** [from, to, how to make it] for every model folder the packaged app carries. */
const MODEL_RESOURCES = [
  ['models/generated', 'models', 'run `npm run provision`'],
  ['models/compat', 'models/compat', 'it is committed: restore it from git'],
  ['models/heads', 'models/heads', 'it is committed: restore it from git'],
] as const;

export interface CheckOptions {
  /** Defaults to <projectDir>/electron-builder.yml. */
  configFile?: string;
  /** Treat patterns that need build output (dist/) as errors when nothing matches them. */
  requireBuild?: boolean;
}

interface BuilderConfig {
  appId?: unknown;
  productName?: unknown;
  directories?: { output?: unknown };
  files?: unknown;
  asarUnpack?: unknown;
  extraResources?: unknown;
  npmRebuild?: unknown;
  asar?: unknown;
  linux?: { target?: unknown };
  win?: { target?: unknown };
  mac?: { target?: unknown };
}

const NATIVE_FILE = /(\.node|\.so|\.so\.[0-9.]+|\.dylib|\.dll)$/i;
const NAPI_SYMBOLS = ['napi_register_module_v1', 'napi_module_register'];
/** Not part of the project tree electron-builder looks at for `files` (node_modules is walked separately). */
const SKIP_DIRS = new Set(['node_modules', '.git', '.tools', '.cache']);

const toPosix = (p: string) => p.split(path.sep).join('/');

function asStringList(value: unknown, what: string, errors: string[]): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') out.push(item);
    else errors.push(`${what}: only string patterns are checked; found ${JSON.stringify(item)}`);
  }
  return out;
}

function walk(root: string, rel: string, out: string[], skip: (relDir: string) => boolean): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!skip(childRel)) walk(root, childRel, out, skip);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(childRel);
    }
  }
}

interface PackageJson {
  name?: string;
  main?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  binary?: { napi_versions?: unknown };
  gypfile?: boolean;
}

function readJson(file: string): PackageJson | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

/** Node's lookup: <from>/node_modules/<name>, then each parent folder's, up to the project folder. */
function resolvePackageDir(projectDir: string, fromDir: string, name: string): string | null {
  const top = path.resolve(projectDir);
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === top || path.dirname(dir) === dir) return null;
  }
}

/** The production dependency closure (dependencies + installed optionalDependencies), as package folders. */
export function productionPackageDirs(projectDir: string): { packages: Map<string, string>; missing: string[] } {
  const found = new Map<string, string>(); // absolute dir -> package name
  const root = readJson(path.join(projectDir, 'package.json'));
  if (!root) throw new Error(`no package.json in ${projectDir}`);
  const queue: { from: string; name: string; optional: boolean }[] = [];
  const enqueue = (from: string, pkg: PackageJson) => {
    for (const name of Object.keys(pkg.dependencies ?? {})) queue.push({ from, name, optional: false });
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ from, name, optional: true });
  };
  enqueue(projectDir, root);
  const missing: string[] = [];
  while (queue.length > 0) {
    const next = queue.shift() as { from: string; name: string; optional: boolean };
    const dir = resolvePackageDir(projectDir, next.from, next.name);
    if (!dir) {
      if (!next.optional) missing.push(next.name);
      continue;
    }
    if (found.has(dir)) continue;
    found.set(dir, next.name);
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg) enqueue(dir, pkg);
  }
  return { packages: found, missing: [...new Set(missing)].sort() };
}

function binaryHasNapiEntry(file: string): boolean {
  const bytes = fs.readFileSync(file);
  return NAPI_SYMBOLS.some((symbol) => bytes.includes(symbol));
}

function napiMetadataEvidence(dir: string, pkg: PackageJson | null): string[] {
  const evidence: string[] = [];
  if (pkg?.binary && Array.isArray(pkg.binary.napi_versions)) evidence.push(`package.json binary.napi_versions ${JSON.stringify(pkg.binary.napi_versions)}`);
  if (pkg?.dependencies?.['node-addon-api']) evidence.push('depends on node-addon-api');
  const gyp = path.join(dir, 'binding.gyp');
  if (fs.existsSync(gyp) && /NAPI_VERSION|node-addon-api/.test(fs.readFileSync(gyp, 'utf8'))) evidence.push('binding.gyp builds with NAPI_VERSION / node-addon-api');
  return evidence;
}

export function checkPackaging(projectDir: string, options: CheckOptions = {}): PackagingReport {
  const { loadYaml, Minimatch } = loadDeps();
  const errors: string[] = [];
  const skipped: string[] = [];
  const configFile = options.configFile ?? path.join(projectDir, 'electron-builder.yml');
  const config = (loadYaml(fs.readFileSync(configFile, 'utf8')) ?? {}) as BuilderConfig;
  const rootPkg = readJson(path.join(projectDir, 'package.json')) ?? {};

  // 1. What the shell and the docs rely on.
  if (typeof config.appId !== 'string' || config.appId.length === 0) errors.push('appId is missing');
  if (config.productName !== 'Desktop Stylist') errors.push(`productName should be "Desktop Stylist", is ${JSON.stringify(config.productName)}`);
  if (config.npmRebuild !== false) errors.push('npmRebuild must be false (all native modules are Node-API; nothing is rebuilt for Electron)');
  if (config.asar === false) errors.push('asar is off; the asarUnpack checks below assume an asar archive');
  const output = typeof config.directories?.output === 'string' ? config.directories.output : 'dist';
  if (output.replace(/\/+$/, '') === 'dist') errors.push('directories.output must not be dist/ (our build output lives there and would be packaged into itself)');
  const extra = Array.isArray(config.extraResources) ? config.extraResources : [config.extraResources];
  // The backbone is provisioned at build time; the outfit model and the item heads are committed. The core finds
  // all three under <resources>/models (see electron/shell/paths.ts, heads/locate.ts, compat/store.ts).
  for (const [from, to, missing] of MODEL_RESOURCES) {
    const entry = extra.find((e): e is { from: string; to: string } => typeof e === 'object' && e !== null && (e as { from?: unknown }).from === from);
    if (!entry || entry.to !== to) errors.push(`extraResources must copy ${from} to ${to} (the app reads <resources>/${to})`);
    else if (!fs.existsSync(path.join(projectDir, from))) {
      const message = `extraResources ${from} does not exist yet (${missing})`;
      (options.requireBuild || from !== 'models/generated' ? errors : skipped).push(message);
    }
  }
  const targets = (t: unknown) => (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'object' && x !== null ? (x as { target?: unknown }).target : x));
  for (const [platform, wanted] of [['linux', ['AppImage', 'deb']], ['win', ['nsis']], ['mac', ['dmg']]] as const) {
    const have = targets(config[platform]?.target);
    for (const w of wanted) if (!have.includes(w)) errors.push(`${platform}.target should include ${w}`);
  }

  // The tree electron-builder would pick `files` from (our folders; node_modules separately).
  const outputRel = toPosix(path.normalize(output));
  const projectFiles: string[] = [];
  walk(projectDir, '', projectFiles, (rel) => SKIP_DIRS.has(rel) || rel === outputRel || rel.endsWith('/node_modules'));
  const distBuilt = fs.existsSync(path.join(projectDir, 'dist'));

  // The production dependencies and their files.
  const { packages, missing } = productionPackageDirs(projectDir);
  if (missing.length > 0) errors.push(`production dependencies not installed: ${missing.join(', ')} (run npm ci)`);
  const packageFiles: string[] = [];
  for (const dir of packages.keys()) {
    const rel = toPosix(path.relative(projectDir, dir));
    const files: string[] = [];
    walk(dir, '', files, (r) => r === 'node_modules' || r.endsWith('/node_modules'));
    for (const f of files) packageFiles.push(`${rel}/${f}`);
  }

  // 2. Patterns, compiled the way electron-builder compiles them.
  const compile = (pattern: string): MinimatchLike[] => {
    let p = pattern.replace(/\\/g, '/');
    if (p.startsWith('./')) p = p.slice(2);
    p = path.posix.normalize(p);
    const m = new Minimatch(p, { dot: true });
    const out = [m];
    const magic = m.set.length > 1 || (m.set[0] ?? []).some((part) => typeof part !== 'string');
    if (!p.includes('.') && !magic) out.push(new Minimatch(`${p}/**/*`, { dot: true }));
    return out;
  };
  const filePatterns = asStringList(config.files, 'files', errors);
  const fileMatchers = filePatterns.flatMap(compile);
  /** electron-builder's ordered include/exclude evaluation. */
  const matchesAll = (file: string, matchers: MinimatchLike[]) => {
    let match = false;
    for (const m of matchers) {
      if (match !== m.negate) continue;
      match = m.match(file);
    }
    return match;
  };
  const needsBuild = (pattern: string) => /^!?(\.\/)?dist(\/|$)/.test(pattern);
  const reportUnmatched = (what: string, pattern: string) => {
    if (needsBuild(pattern) && !distBuilt && !options.requireBuild) skipped.push(`${what} pattern ${pattern}: dist/ is not built, run \`npm run build\` to check it`);
    else errors.push(`${what} pattern ${pattern} matches nothing${needsBuild(pattern) && !distBuilt ? ' (dist/ is not built: run `npm run build`)' : ''}`);
  };

  const everything = [...projectFiles, ...packageFiles];
  for (const pattern of filePatterns) {
    const negate = pattern.startsWith('!');
    const body = negate ? pattern.slice(1) : pattern;
    const matchers = compile(body);
    const pool = body.replace(/^\.\//, '').startsWith('node_modules/') ? packageFiles : negate ? everything : projectFiles;
    if (!pool.some((f) => matchers.some((m) => m.match(f)))) reportUnmatched('files', pattern);
  }
  // The entry points must be inside the patterns, built or not.
  const entries = [rootPkg.main ?? 'index.js', 'dist/electron/shell/preload.cjs', 'dist/renderer/index.html'];
  for (const entry of entries) if (!matchesAll(entry, fileMatchers)) errors.push(`files does not include ${entry}`);

  // What goes into the app: our files the patterns select, and the production node_modules (minus exclusions).
  const exclusions = fileMatchers.filter((m) => m.negate);
  const packaged = [
    ...projectFiles.filter((f) => matchesAll(f, fileMatchers)),
    ...packageFiles.filter((f) => !exclusions.some((m) => !m.match(f))),
  ];
  const unpackPatterns = asStringList(config.asarUnpack, 'asarUnpack', errors);
  const unpackMatchers = unpackPatterns.flatMap(compile);
  for (const pattern of unpackPatterns) {
    const matchers = compile(pattern);
    if (!packaged.some((f) => matchers.some((m) => m.match(f)))) reportUnmatched('asarUnpack', pattern);
  }

  // 3. Native files of the production dependencies must be unpacked.
  const nativeFiles = packaged.filter((f) => f.startsWith('node_modules/') && NATIVE_FILE.test(f));
  for (const file of nativeFiles) {
    if (!matchesAll(file, unpackMatchers)) errors.push(`${file} is native code but no asarUnpack pattern covers it`);
  }

  // 5. Native modules must be Node-API.
  const nativeModules: NativeModule[] = [];
  for (const [dir, name] of packages) {
    const rel = toPosix(path.relative(projectDir, dir));
    const binaries = nativeFiles.filter((f) => f.startsWith(`${rel}/`) && f.endsWith('.node'));
    const pkg = readJson(path.join(dir, 'package.json'));
    const hasGyp = fs.existsSync(path.join(dir, 'binding.gyp')) && pkg?.gypfile !== false;
    if (binaries.length === 0) {
      if (hasGyp) errors.push(`${name}: has a binding.gyp and no prebuilt .node; it would be compiled at install time against Node, not Electron (npmRebuild is false)`);
      continue;
    }
    const evidence: string[] = [];
    const notNapi = binaries.filter((b) => !binaryHasNapiEntry(path.join(projectDir, b)));
    if (notNapi.length > 0) {
      errors.push(`${name}: not a Node-API module (${notNapi.join(', ')} has no ${NAPI_SYMBOLS.join('/')}); it would need rebuilding for Electron, but npmRebuild is false`);
    } else {
      evidence.push(`every .node exports a Node-API entry point (${binaries.length} file${binaries.length === 1 ? '' : 's'})`);
    }
    evidence.push(...napiMetadataEvidence(dir, pkg));
    if (binaries.some((b) => /\/napi-v\d+\//.test(b))) evidence.push('binaries in a napi-v<N> folder');
    nativeModules.push({ name, dir: rel, binaries, evidence });
  }

  return {
    errors,
    skipped,
    nativeModules,
    nativeFiles,
    productionPackages: [...packages.values()].sort(),
  };
}

/**
 * electron-builder's own reading and JSON-schema validation of the config (a typo'd key fails here).
 * Reaches into app-builder-lib's internals, so a different layout is reported, not thrown.
 */
export async function validateWithElectronBuilder(projectDir: string): Promise<{ ok: true } | { ok: false; error: string } | { ok: null; reason: string }> {
  let lib: { getConfig(dir: string, file: string | null, extra: unknown): Promise<unknown>; validateConfiguration(config: unknown, logger: unknown): Promise<void> };
  let DebugLogger: new (enabled: boolean) => unknown;
  try {
    const projectRequire = createRequire(path.join(projectDir, 'package.json'));
    lib = projectRequire('app-builder-lib/out/util/config/config.js') as typeof lib;
    ({ DebugLogger } = projectRequire('builder-util') as { DebugLogger: typeof DebugLogger });
  } catch (error) {
    return { ok: null, reason: `electron-builder's config validator not found (${String(error).split('\n')[0]})` };
  }
  try {
    const config = await lib.getConfig(projectDir, null, null);
    await lib.validateConfiguration(config, new DebugLogger(false));
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function main(argv: string[]): Promise<number> {
  const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const report = checkPackaging(projectDir, { requireBuild: argv.includes('--require-build') });
  const schema = await validateWithElectronBuilder(projectDir);
  if (schema.ok === false) report.errors.push(`electron-builder rejects the config: ${schema.error}`);
  else if (schema.ok === null) report.skipped.push(schema.reason);
  if (argv.includes('--json')) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`production packages: ${report.productionPackages.length}; native files: ${report.nativeFiles.length}`);
    for (const m of report.nativeModules) console.log(`native module ${m.name} (${m.dir}): Node-API — ${m.evidence.join('; ')}`);
    for (const s of report.skipped) console.log(`skipped: ${s}`);
    for (const e of report.errors) console.error(`error: ${e}`);
    console.log(report.errors.length === 0 ? 'packaging check passed' : `packaging check failed: ${report.errors.length} error(s)`);
  }
  return report.errors.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
