import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createWindowOptions } from '../../../electron/shell/window-options.ts';

// Never the real 'electron' package: in plain Node it resolves to a binary path (and tries to download it).
vi.mock('electron', () => ({}));

describe('createWindowOptions', () => {
  const preloadPath = path.resolve('/opt/stylist/dist/electron/shell/preload.cjs');
  const options = createWindowOptions({ preloadPath });

  it('sets every security flag of the web preferences', () => {
    expect(options.webPreferences).toMatchObject({
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });

  it('has no preference that would weaken the sandbox', () => {
    const prefs = options.webPreferences as Record<string, unknown>;
    for (const key of ['enableBlinkFeatures', 'additionalArguments', 'partition', 'session', 'disableBlinkFeatures']) {
      expect(prefs[key], key).toBeUndefined();
    }
  });

  it('is 1280x800 (at least 1024x700), hidden until ready-to-show, with a background colour', () => {
    expect(options).toMatchObject({ width: 1280, height: 800, minWidth: 1024, minHeight: 700, show: false, title: 'Desktop Stylist' });
    expect(options.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('refuses a relative preload path (Electron needs an absolute one)', () => {
    expect(() => createWindowOptions({ preloadPath: 'preload.cjs' })).toThrow(/absolute/);
  });
});
