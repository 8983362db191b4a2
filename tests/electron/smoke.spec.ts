// Smoke test of the real desktop app: the built main process, the sandboxed preload, app:// and the core.
// It needs the Electron binary, which `npm install` downloads; on machines without internet it is absent
// and the test skips with the reason. (Never `require('electron')` here to find it: without the binary
// that call tries to download it.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The path `require('electron')` would return, if that file is really on disk; null otherwise. */
function installedElectronBinary(root = repo): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const relative = fs.readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist');
  const binary = path.join(base, relative);
  return fs.existsSync(binary) ? binary : null;
}

const binary = installedElectronBinary();
const SKIP_REASON = 'Electron binary not installed (no internet on this machine); run `node node_modules/electron/install.js` to fetch it';
// The list reporter shows a skipped test without its reason: say it where the log will show it.
if (binary === null) console.log(`SKIPPED Electron smoke test: ${SKIP_REASON}`);

test('the desktop app opens its window and talks to the core', async () => {
  test.skip(binary === null, SKIP_REASON);
  for (const [file, how] of [
    ['dist/electron/shell/main.js', 'npm run build'],
    ['dist/electron/shell/preload.cjs', 'npm run build'],
    ['dist/renderer/index.html', 'npm run build'],
    ['models/generated/mobilenet_v2_imagenet.onnx', 'npm run provision'],
  ] as const) {
    expect(fs.existsSync(path.join(repo, file)), `${file} is missing: run \`${how}\` first`).toBe(true);
  }

  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-electron-'));
  const app = await electron.launch({
    executablePath: binary as string,
    args: [repo, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    cwd: repo,
    env: { ...process.env, STYLIST_LIBRARY: path.join(data, 'library'), STYLIST_USER_DATA: path.join(data, 'user-data') },
  });
  try {
    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    expect(window.url()).toBe('app://bundle/index.html');
    await expect(window).toHaveTitle(/Stylist/);
    await expect(window.getByRole('heading').first()).toBeVisible();

    // The page sees the typed API and nothing of Node.
    const surface = await window.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const api = w.stylist as { call(m: string, i: unknown): Promise<{ ok: boolean; value?: { shell?: string } }> };
      const info = await api.call('app.info', {});
      return { keys: Object.keys(api).sort(), require: typeof w.require, process: typeof w.process, shell: info.ok ? info.value?.shell : null };
    });
    expect(surface).toEqual({ keys: ['call', 'mediaUrl'], require: 'undefined', process: 'undefined', shell: 'electron' });

    // One window, on the app's own page (the options object itself is checked in tests/unit/shell).
    const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()));
    expect(windows).toEqual(['app://bundle/index.html']);

    fs.mkdirSync(path.join(repo, 'test-results'), { recursive: true });
    await window.screenshot({ path: path.join(repo, 'test-results', 'electron-smoke.png') });
  } finally {
    await app.close();
    fs.rmSync(data, { recursive: true, force: true });
  }
});
