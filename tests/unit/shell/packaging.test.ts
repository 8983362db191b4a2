// electron-builder.yml against the tree (scripts/check-packaging.ts). On this repo: patterns under dist/ are
// checked only when `npm run build` has produced dist/ (otherwise they are listed as skipped, and the test
// checks that nothing else was skipped); every other pattern, the asarUnpack coverage of every native file
// and the Node-API check always run. A fixture tree checks that each kind of mistake is caught.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkPackaging, validateWithElectronBuilder } from '../../../scripts/check-packaging.ts';

vi.mock('electron', () => ({}));

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('electron-builder.yml on this repository', () => {
  const report = checkPackaging(repo);

  it('has no errors', () => {
    expect(report.errors).toEqual([]);
  });

  it('skips only what needs build output or provisioning', () => {
    for (const s of report.skipped) expect(s).toMatch(/dist\/ is not built|npm run provision/);
    if (fs.existsSync(path.join(repo, 'dist'))) expect(report.skipped.filter((s) => s.includes('dist/'))).toEqual([]);
  });

  it("passes electron-builder's own schema validation", async () => {
    expect(await validateWithElectronBuilder(repo)).toEqual({ ok: true });
  });

  it('and that validation does catch an unknown key', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-schema-'));
    try {
      fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
      fs.writeFileSync(path.join(tmp, 'electron-builder.yml'), 'appId: x\nasarUnpackk: ["**/*.node"]\n');
      fs.symlinkSync(path.join(repo, 'node_modules'), path.join(tmp, 'node_modules'), 'junction');
      const result = await validateWithElectronBuilder(tmp);
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.error).toMatch(/asarUnpackk/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('finds the three native dependencies, all Node-API', () => {
    const names = report.nativeModules.map((m) => m.name);
    expect(names).toContain('better-sqlite3');
    expect(names).toContain('onnxruntime-node');
    expect(names.some((n) => n.startsWith('@img/sharp-'))).toBe(true);
    for (const m of report.nativeModules) expect(m.evidence[0], m.name).toMatch(/Node-API entry point/);
  });

  it('sees the native files that must be unpacked (libonnxruntime, libvips, the bindings)', () => {
    expect(report.nativeFiles.some((f) => /onnxruntime-node\/bin\/.*onnxruntime_binding\.node$/.test(f))).toBe(true);
    expect(report.nativeFiles.some((f) => /better-sqlite3\/.*\.node$/.test(f))).toBe(true);
    if (process.platform === 'linux') {
      expect(report.nativeFiles.some((f) => /libonnxruntime\.so/.test(f))).toBe(true);
      expect(report.nativeFiles.some((f) => /@img\/sharp-libvips-.*\/libvips-cpp\.so/.test(f))).toBe(true);
    }
  });

  it('follows production dependencies only (no electron, no electron-builder, no vitest)', () => {
    expect(report.productionPackages).toContain('sharp');
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', '@playwright/test']) expect(report.productionPackages).not.toContain(dev);
  });
});

describe('check-packaging on a fixture tree', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-packaging-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  };
  const napiBinary = Buffer.concat([Buffer.from('\x7fELF....'), Buffer.from('napi_register_module_v1'), Buffer.alloc(16)]);
  const v8Binary = Buffer.concat([Buffer.from('\x7fELF....'), Buffer.from('node_register_module_v127 _ZN2v87Isolate'), Buffer.alloc(16)]);

  write('package.json', JSON.stringify({ name: 'fixture', main: 'dist/electron/shell/main.js', dependencies: { 'good-napi': '1', 'old-v8': '1', 'gyp-only': '1' }, devDependencies: { 'dev-native': '1' } }));
  write('node_modules/good-napi/package.json', JSON.stringify({ name: 'good-napi', dependencies: { 'node-addon-api': '8' } }));
  write('node_modules/good-napi/build/good.node', napiBinary);
  write('node_modules/node-addon-api/package.json', JSON.stringify({ name: 'node-addon-api' }));
  write('node_modules/good-napi/lib/libhelper.so.3', 'elf');
  write('node_modules/old-v8/package.json', JSON.stringify({ name: 'old-v8' }));
  write('node_modules/old-v8/build/Release/old.node', v8Binary);
  write('node_modules/gyp-only/package.json', JSON.stringify({ name: 'gyp-only' }));
  write('node_modules/gyp-only/binding.gyp', "{ 'targets': [] }");
  write('node_modules/dev-native/package.json', JSON.stringify({ name: 'dev-native' }));
  write('node_modules/dev-native/x.node', v8Binary);
  write('models/generated/model.onnx', 'x');
  write('models/compat/compat.json', '{}');
  write('models/heads/item-heads.onnx', 'x');
  write(
    'electron-builder.yml',
    [
      'appId: test.fixture',
      'productName: Desktop Stylist',
      'directories: { output: release }',
      'files: [package.json, "dist/electron/**/*", "dist/renderer/**/*", "docs/**/*"]',
      'asarUnpack: ["**/*.node", "**/*.dylib"]',
      'extraResources: [{ from: models/generated, to: models }, { from: models/compat, to: models/compat }, { from: models/heads, to: models/heads }]',
      'npmRebuild: false',
      'linux: { target: [AppImage, deb] }',
      'win: { target: [nsis] }',
      'mac: { target: [dmg] }',
    ].join('\n'),
  );

  it('names every problem', () => {
    const { errors, skipped } = checkPackaging(dir);
    const text = errors.join('\n');
    expect(text).toMatch(/old-v8: not a Node-API module/);
    expect(text).toMatch(/gyp-only: has a binding\.gyp and no prebuilt \.node/);
    expect(text).toMatch(/node_modules\/good-napi\/lib\/libhelper\.so\.3 is native code but no asarUnpack pattern covers it/);
    expect(text).toMatch(/asarUnpack pattern \*\*\/\*\.dylib matches nothing/);
    expect(text).toMatch(/files pattern docs\/\*\*\/\* matches nothing/);
    expect(text).not.toMatch(/good-napi: not/);
    // Dev dependencies are not packaged, so their binaries do not count.
    expect(text).not.toMatch(/dev-native/);
    // Without dist/, its patterns are skipped, not failed...
    expect(skipped).toEqual(expect.arrayContaining([expect.stringMatching(/dist\/electron\/\*\*\/\*: .*not built/), expect.stringMatching(/dist\/renderer/)]));
    // ...unless the build is required.
    expect(checkPackaging(dir, { requireBuild: true }).errors.join('\n')).toMatch(/files pattern dist\/electron\/\*\*\/\* matches nothing/);
  });

  it('reports a production dependency that is not installed', () => {
    write('other/package.json', JSON.stringify({ name: 'other', dependencies: { 'not-installed': '1' } }));
    write('other/electron-builder.yml', fs.readFileSync(path.join(dir, 'electron-builder.yml')));
    expect(checkPackaging(path.join(dir, 'other')).errors).toContain('production dependencies not installed: not-installed (run npm ci)');
  });

  it('checks the settings the shell relies on', () => {
    write('bad.yml', 'appId: x\nproductName: Other\nnpmRebuild: true\nfiles: [package.json]\n');
    const text = checkPackaging(dir, { configFile: path.join(dir, 'bad.yml') }).errors.join('\n');
    expect(text).toMatch(/productName/);
    expect(text).toMatch(/npmRebuild must be false/);
    expect(text).toMatch(/directories\.output must not be dist/);
    expect(text).toMatch(/extraResources must copy models\/generated/);
    expect(text).toMatch(/extraResources must copy models\/heads to models\/heads/);
    expect(text).toMatch(/linux\.target should include AppImage/);
    expect(text).toMatch(/files does not include dist\/electron\/shell\/main\.js/);
  });
});
