import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The release server built by scripts/build.sh, on a port of its own, with a fresh data
// directory (and so a fresh SQLite database and master key) for every run, and a real
// HTTP server standing in for Appgain, WhatsApp, Twilio and n8n (fake-services.mjs).
const root = resolve(__dirname, '..');
const port = Number(process.env.E2E_PORT ?? 3137);
export const fakeServicesPort = Number(process.env.FAKE_SERVICES_PORT ?? 3138);
export const adminEmail = 'platform-admin@e2e.test';
export const adminPassword = 'admin password for e2e';
const binary = process.env.CONNECTGAIN_BIN ?? join(root, 'target/release/connectgain');
const dataDir = mkdtempSync(join(tmpdir(), 'connectgain-e2e-'));

export default defineConfig({
  testDir: './tests',
  // Generous ceilings: the suite must pass while other work keeps the cores busy.
  timeout: 180_000,
  // A client-side navigation shows the next page once its data has arrived: on a machine
  // whose cores are all busy that was seen to take over 20 s.
  expect: { timeout: 45_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    trace: 'off',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser downloads cannot work here.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: 'node fake-services.mjs',
      url: `http://127.0.0.1:${fakeServicesPort}/healthz`,
      reuseExistingServer: false,
      env: { FAKE_SERVICES_PORT: String(fakeServicesPort) },
    },
    {
      command: binary,
      cwd: root,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: join(root, 'target/site'),
        CONNECTGAIN_DATA_DIR: dataDir,
        CONNECTGAIN_ALLOW_PRIVATE_TARGETS: 'true',
        APPGAIN_SIGNUP_WEBHOOK_URL: `http://127.0.0.1:${fakeServicesPort}/webhook/connectGain-onSignup`,
        APPGAIN_NOTIFY_BASE_URL: `http://127.0.0.1:${fakeServicesPort}`,
        WHATSAPP_GRAPH_BASE_URL: `http://127.0.0.1:${fakeServicesPort}/graph`,
        TWILIO_BASE_URL: `http://127.0.0.1:${fakeServicesPort}/twilio`,
        CONNECTGAIN_ADMIN_EMAIL: adminEmail,
        CONNECTGAIN_ADMIN_PASSWORD: adminPassword,
        CONNECTGAIN_PROVISIONING_RETRY_BASE_MS: '300',
        CONNECTGAIN_PROVISIONING_RETRY_MAX_MS: '1000',
        // Every test signs up from 127.0.0.1, more than the default 10 an hour.
        CONNECTGAIN_SIGNUP_LIMIT: '1000/h',
        RUST_LOG: 'warn',
      },
    },
  ],
});
