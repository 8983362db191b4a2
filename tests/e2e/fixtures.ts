// Each test file gets its own library and its own running core: `stylist serve` as a child process (the
// same command the README's run command falls back to), bridged on 127.0.0.1. The core of the previous file
// is stopped when the next file starts (workers reuse one process for several files).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { ApiInput, ApiMethod, ApiResults } from '../../shared/api.ts';

export interface Served {
  pageUrl: string;
  libraryDir: string;
  /** Calls the API over the bridge, as the page does (for setting up and checking, not for the flows under test). */
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]>;
}

export interface RunningCore extends Served {
  stop(): Promise<void>;
}

/** Starts `stylist serve` on a library folder (made empty when none is given). */
export async function serve(libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-e2e-'))): Promise<RunningCore> {
  const child = spawn(process.execPath, ['electron/core/cli/stylist.ts', 'serve', '--library', libraryDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pageUrl = await waitForUrl(child);
  const url = new URL(pageUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
  return {
    pageUrl,
    libraryDir,
    async call(method, input) {
      const response = await fetch(`${url.origin}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-stylist-token': token }, body: JSON.stringify(input) });
      const result = (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
      if (!result.ok) throw new Error(`${method}: ${result.error!.code}: ${result.error!.message}`);
      return result.value as never;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

class CorePerFile {
  private current: { file: string; core: Promise<RunningCore> } | null = null;

  async forFile(file: string): Promise<RunningCore> {
    if (this.current?.file !== file) {
      await this.stop();
      this.current = { file, core: serve() };
    }
    return this.current.core;
  }

  async stop(): Promise<void> {
    const running = this.current;
    this.current = null;
    if (running) await (await running.core.catch(() => null))?.stop();
  }
}

export const test = base.extend<{ app: Served }, { cores: CorePerFile }>({
  cores: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const cores = new CorePerFile();
      await use(cores);
      await cores.stop();
    },
    { scope: 'worker' },
  ],
  app: async ({ cores, page }, use, testInfo) => {
    const served = await cores.forFile(testInfo.file);
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
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stylist serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}

export const SCREENSHOTS = 'test-results/screenshots';

/** A full-window screenshot in test-results/screenshots/<name>.png (looked at by people, and the README's source). */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // Animations and the caret would make screenshots differ run to run.
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  return file;
}

/** Waits for an import job of the core to finish. */
export async function waitForImport(app: Served, jobId: string) {
  for (;;) {
    const p = await app.call('import.status', { jobId });
    if (p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens a view from the sidebar. */
export async function openView(page: Page, name: 'Wardrobe' | 'Import' | 'Suggestions' | 'People' | 'House style' | 'Settings') {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

export { expect } from '@playwright/test';
