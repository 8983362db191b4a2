import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveShellPaths } from '../../../electron/shell/paths.ts';

// Never the real 'electron' package: in plain Node it resolves to a binary path (and tries to download it).
vi.mock('electron', () => ({}));

const repo = path.resolve('/src/stylist');
const shellDir = path.join(repo, 'dist', 'electron', 'shell');

describe('resolveShellPaths', () => {
  it('from the source tree: models/generated, dist/renderer, the preload next to main.js, the library in userData', () => {
    const paths = resolveShellPaths({ shellDir, isPackaged: false, resourcesPath: '/ignored', userDataPath: '/home/a/.config/Desktop Stylist', env: {} });
    expect(paths).toEqual({
      libraryDir: path.join('/home/a/.config/Desktop Stylist', 'library'),
      modelDir: path.join(repo, 'models', 'generated'),
      rendererDir: path.join(repo, 'dist', 'renderer'),
      preloadPath: path.join(shellDir, 'preload.cjs'),
    });
  });

  it('packaged: the models come from <resources>/models', () => {
    const asarShell = path.resolve('/opt/Desktop Stylist/resources/app.asar/dist/electron/shell');
    const paths = resolveShellPaths({ shellDir: asarShell, isPackaged: true, resourcesPath: path.resolve('/opt/Desktop Stylist/resources'), userDataPath: '/u', env: {} });
    expect(paths.modelDir).toBe(path.resolve('/opt/Desktop Stylist/resources/models'));
    expect(paths.rendererDir).toBe(path.resolve('/opt/Desktop Stylist/resources/app.asar/dist/renderer'));
  });

  it('from the shell source (electron/shell), the same places', () => {
    const paths = resolveShellPaths({ shellDir: path.join(repo, 'electron', 'shell'), isPackaged: false, resourcesPath: '', userDataPath: '/u', env: {} });
    expect(paths.modelDir).toBe(path.join(repo, 'models', 'generated'));
    expect(paths.rendererDir).toBe(path.join(repo, 'dist', 'renderer'));
    expect(paths.preloadPath).toBe(path.join(shellDir, 'preload.cjs'));
  });

  it('STYLIST_LIBRARY overrides the library folder', () => {
    const paths = resolveShellPaths({ shellDir, isPackaged: false, resourcesPath: '', userDataPath: '/u', env: { STYLIST_LIBRARY: '/data/lib' } });
    expect(paths.libraryDir).toBe(path.resolve('/data/lib'));
  });
});
