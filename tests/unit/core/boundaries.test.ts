// The architecture, checked mechanically (the lint rule says the same; this also runs where lint is skipped):
// the core and shared/ never import Electron; the renderer never imports Node or the core.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../electron/core/paths.ts';

function sources(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)];
  return specs.map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
}

describe('process boundaries', () => {
  it('the core and shared/ never import electron', () => {
    const files = [...sources('electron/core'), ...sources('shared')];
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((f) => importsOf(f).filter((s) => s === 'electron' || s.startsWith('electron/')).map((s) => `${path.relative(REPO_ROOT, f)} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it('the renderer never imports Node built-ins or the core', () => {
    const offenders = sources('renderer').flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith('node:') || s === 'electron' || /(^|\/)electron\//.test(s) || ['fs', 'path', 'child_process', 'os'].includes(s))
        .map((s) => `${path.relative(REPO_ROOT, f)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the check itself sees an electron import', () => {
    const tmp = path.join(REPO_ROOT, 'test-results', 'boundary-probe.ts');
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    fs.writeFileSync(tmp, "import { app } from 'electron';\nimport type { X } from 'electron/main';\n");
    expect(importsOf(tmp)).toEqual(['electron', 'electron/main']);
    fs.rmSync(tmp);
  });
});
