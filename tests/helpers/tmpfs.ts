// Small, separate filesystems for the disk tests: a tmpfs of a given size (a disk that fills up) that can be
// remounted read-only. Needs root and a kernel that lets the container mount; `mountTmpfs` says why not when
// it cannot, and the tests that need it are skipped with that reason.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tempDir } from './kit.ts';

export interface Tmpfs {
  dir: string;
  remount(options: string): void;
  unmount(): void;
}

export function mountTmpfs(sizeBytes: number): Tmpfs {
  const dir = tempDir('stylist-tmpfs-');
  const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
  mount('-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir);
  return {
    dir,
    remount: (options) => mount('-o', `remount,${options}`, dir),
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Null when a tmpfs can be mounted and remounted read-only here, else the reason it cannot. */
export function whyNoTmpfs(): string | null {
  try {
    const t = mountTmpfs(64 * 1024);
    try {
      t.remount('ro');
    } finally {
      t.unmount();
    }
    return null;
  } catch (error) {
    return `cannot mount a tmpfs here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}
