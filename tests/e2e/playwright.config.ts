import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded one. As root it needs --no-sandbox (Playwright adds
// it with chromiumSandbox: false); the rest keeps it off the network this machine lacks.
export default defineConfig({
  testDir: "./specs",
  outputDir: "./test-results",
  // Two cores: one browser at a time keeps timings stable and the relay responsive.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    chromiumSandbox: false,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    locale: "en-US",
    timezoneId: "UTC",
    trace: "off",
  },
});
