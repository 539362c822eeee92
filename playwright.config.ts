// Cross-region end-to-end suite in real Chromium (Debian's package, never a downloaded browser).
// Without BASE_URL it starts an isolated local stack with fresh data; with BASE_URL it runs
// against that deployment instead.
import { defineConfig } from '@playwright/test';
import type { HomeRegion } from './e2e/fixtures.ts';

const port = Number(process.env.E2E_PORT ?? 8181);
const baseURL = process.env.BASE_URL ?? `http://localhost:${port}`;

const home = (name: string, value: HomeRegion) => ({ name, use: { home: value } });

export default defineConfig<{ home: HomeRegion }>({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // Runs while the suite's stack is still up (Playwright stops its webServer after teardown).
  globalTeardown: './e2e/audit-teardown.ts',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }]],
  use: {
    baseURL,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // This machine has no outside network: keep Chromium from trying to reach Google.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    home('home-eu', { country: 'IE', countryName: 'Ireland', region: 'eu-west-1', label: 'Europe (Ireland)' }),
    home('home-us', { country: 'US', countryName: 'United States', region: 'us-east-2', label: 'United States (Ohio)' }),
    home('home-au', { country: 'AU', countryName: 'Australia', region: 'ap-southeast-2', label: 'Australia (Sydney)' }),
  ],
  webServer: process.env.BASE_URL
    ? undefined
    : {
        command: 'npx tsx local/wipe.ts && npx tsx local/start.ts',
        url: `${baseURL}/api/config`,
        env: { PORT: String(port), RESIDENCY_DATA: process.env.E2E_DATA ?? '.residency-e2e' },
        timeout: 120_000,
        reuseExistingServer: false,
        gracefulShutdown: { signal: 'SIGINT', timeout: 10_000 },
        stdout: 'pipe',
      },
});
