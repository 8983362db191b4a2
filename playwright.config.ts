import { defineConfig } from '@playwright/test';

// Browser tests of the real window (dist/renderer) against the real core behind the loopback bridge,
// in Debian's Chromium: Playwright's own browser download is not possible on these machines.
export const CHROMIUM = process.env.STYLIST_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
