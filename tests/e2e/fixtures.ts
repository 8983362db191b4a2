// Each test file gets its own library and its own running core: `stylist serve` as a child process (the
// same command the README's run command falls back to), bridged on 127.0.0.1.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export interface Served {
  pageUrl: string;
  libraryDir: string;
}

export const test = base.extend<{ app: Served }, { served: Served }>({
  served: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-e2e-'));
      const child = spawn(process.execPath, ['electron/core/cli/stylist.ts', 'serve', '--library', libraryDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      const pageUrl = await waitForUrl(child);
      await use({ pageUrl, libraryDir });
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
    { scope: 'worker' },
  ],
  app: async ({ served, page }, use) => {
    await page.goto(served.pageUrl);
    await use(served);
  },
});

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`stylist serve did not start in 60 s:\n${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /STYLIST_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      process.stderr.write(d);
    });
    child.once('exit', (code) => reject(new Error(`stylist serve exited with ${code}:\n${out}\n${err}`)));
  });
}

export { expect } from '@playwright/test';
