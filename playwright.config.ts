import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = 39517;
const BASE_URL = `http://127.0.0.1:${PORT}`;

// Every run starts from an empty database: the first-run test needs one, and no run sees another's data.
// The runner and its workers each evaluate this file; only the runner's folder is used by the server.
const givenDataDir = process.env.ROLLBOOK_E2E_DATA_DIR;
const dataDir = givenDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-e2e-'));
process.env.ROLLBOOK_E2E_DATA_DIR = dataDir;
// The runner made the folder, so the runner removes it when it exits (after the server has stopped);
// a folder named by the caller is theirs to keep.
if (!givenDataDir) process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));

export default defineConfig({
  testDir: 'apps/web/e2e',
  // The tests share one server and the first-run test needs the database empty, so files run in name order.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: BASE_URL,
    locale: 'en-US',
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    launchOptions: {
      // No browser download is possible here: use Debian's Chromium.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node apps/server/dist/cli.js serve',
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      ROLLBOOK_DATA_DIR: dataDir,
      // The suite signs in many times a minute from one address; the default limit (10) is for people.
      ROLLBOOK_SIGN_IN_RATE: '1000',
    },
  },
});
