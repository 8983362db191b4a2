// The preload runs sandboxed: Electron wraps the compiled CommonJS text in
// `(function (require, process, exports, module, ...) { ... })` and its `require` knows 'electron' and a few
// built-ins, never a local file. So instead of importing it (which would go through vitest's module
// system, not that wrapper), the test compiles preload.cts the way tsc -p tsconfig.electron.json does and
// runs it the way Electron does, with a stand-in `electron` that records what is exposed. The same checks
// run on the built dist/electron/shell/preload.cjs when it exists.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, IPC_CHANNEL, MEDIA_SCHEME } from '../../../shared/api.ts';

// Nothing here may reach the real 'electron' package (in plain Node it tries to download the binary).
vi.mock('electron', () => ({}));

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const source = path.join(repo, 'electron/shell/preload.cts');
const built = path.join(repo, 'dist/electron/shell/preload.cjs');

function compileLikeTheBuild(): string {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(repo, 'tsconfig.electron.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('cannot read tsconfig.electron.json');
  const out = ts.transpileModule(fs.readFileSync(source, 'utf8'), { compilerOptions: { ...config.options, sourceMap: false }, fileName: source });
  return out.outputText;
}

interface Loaded {
  exposed: Map<string, unknown>;
  required: string[];
  invoke: ReturnType<typeof vi.fn>;
}

function runSandboxed(code: string): Loaded {
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'answer' }));
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: { invoke },
  };
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id} (a sandboxed preload cannot load it)`);
  };
  const exports = {};
  // This is how Electron itself runs a sandboxed preload.
  const wrapper = new Function('require', 'process', 'exports', 'module', code);
  wrapper(sandboxRequire, { env: {} }, exports, { exports });
  return { exposed, required, invoke };
}

const variants: [string, () => string][] = [['preload.cts compiled as the build does', compileLikeTheBuild]];
if (fs.existsSync(built)) variants.push(['the built dist/electron/shell/preload.cjs', () => fs.readFileSync(built, 'utf8')]);

describe.each(variants)('%s', (_name, load) => {
  it('is CommonJS that requires nothing but electron (no zod, no local files)', () => {
    const code = load();
    expect(code).not.toMatch(/^\s*import\s|^\s*export\s/m);
    expect(code).not.toMatch(/zod|shared\/api/);
    const { required } = runSandboxed(code);
    expect(required).toEqual(['electron']);
  });

  it('exposes exactly `call` and `mediaUrl` on window.stylist', () => {
    const { exposed } = runSandboxed(load());
    expect([...exposed.keys()]).toEqual([API_GLOBAL]);
    const api = exposed.get(API_GLOBAL) as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['call', 'mediaUrl']);
    expect(typeof api.call).toBe('function');
    expect(typeof api.mediaUrl).toBe('function');
  });

  it('call() invokes the one IPC channel with { method, input }', async () => {
    const { exposed, invoke } = runSandboxed(load());
    const api = exposed.get(API_GLOBAL) as { call(method: string, input: unknown): Promise<unknown> };
    await expect(api.call('people.create', { name: 'Ada' })).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invoke).toHaveBeenCalledWith(IPC_CHANNEL, { method: 'people.create', input: { name: 'Ada' } });
  });

  it('mediaUrl() builds stylist-media://<kind>/<sha256>', () => {
    const { exposed } = runSandboxed(load());
    const api = exposed.get(API_GLOBAL) as { mediaUrl(kind: string, sha: string): string };
    const sha = 'f'.repeat(64);
    expect(api.mediaUrl('thumb', sha)).toBe(`${MEDIA_SCHEME}://thumb/${sha}`);
    expect(api.mediaUrl('original', sha)).toBe(`${MEDIA_SCHEME}://original/${sha}`);
  });
});

describe('the constants the preload repeats', () => {
  it("equal the contract's (shared/api.ts)", () => {
    const text = fs.readFileSync(source, 'utf8');
    const literal = (name: string) => new RegExp(`const ${name}: typeof \\w+ = '([^']*)'`).exec(text)?.[1];
    expect(literal('API_GLOBAL_NAME')).toBe(API_GLOBAL);
    expect(literal('CHANNEL')).toBe(IPC_CHANNEL);
    expect(literal('SCHEME')).toBe(MEDIA_SCHEME);
  });

  it('the build emits the preload as .cjs next to main.js', () => {
    const config = fs.readFileSync(path.join(repo, 'tsconfig.electron.json'), 'utf8');
    expect(config).toMatch(/electron\/\*\*\/\*\.cts/);
    expect(path.extname(source)).toBe('.cts');
  });
});
