import { defineConfig } from '@playwright/test';

// The Electron smoke test (tests/electron): launches the built app with Playwright's `_electron`.
// Run with `npx playwright test -c playwright.electron.config.ts` after `npm run build` and
// `npm run provision`. Where the Electron binary is not installed (machines without internet), the test
// skips and says so; the same UI is covered in Chromium by playwright.config.ts (tests/e2e).
export default defineConfig({
  testDir: 'tests/electron',
  outputDir: 'test-results/electron',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
});
