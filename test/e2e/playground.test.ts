import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type BrowserContext } from 'playwright-core';
import { startFleetOps, type RunningBot } from '../../bot/server';
import { startPlayground, repoRoot } from '../../bot/playground';
import { silentLogger } from '../../core/logger';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PLAYGROUND_PORT = Number(process.env.E2E_PLAYGROUND_PORT ?? 56150);
const CHAT_INPUT = '[data-lexical-editor="true"][role="textbox"]';

jest.setTimeout(120_000);

async function waitForHttp(url: string, timeoutInMs: number): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutInMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the Agents Playground talks to FleetOps', () => {
  let bot: RunningBot;
  let playground: ChildProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; install it with "apt-get install chromium" (or set CHROMIUM_PATH)`);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-e2e-'));
    bot = await startFleetOps({ PORT: '0', DATA_DIR: dataDir, SIM_DEVICES: process.env.E2E_SIM_DEVICES ?? '200', LOG_LEVEL: 'silent' }, { logger: silentLogger });
    playground = startPlayground({ botUrl: bot.url, port: PLAYGROUND_PORT, cwd: repoRoot(), log: silentLogger });
    await waitForHttp(`http://127.0.0.1:${PLAYGROUND_PORT}`, 30_000);
    // A fresh profile each run (persistent context = our own user-data-dir).
    browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    playground?.kill('SIGTERM');
    await bot?.stop(1_000);
  });

  test('typing help shows the command card; the screenshot goes to docs/', async () => {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PLAYGROUND_PORT}`);
    const input = page.locator(CHAT_INPUT);
    await input.waitFor({ timeout: 60_000 });
    await input.click();
    await page.keyboard.type('help');
    await page.keyboard.press('Enter');
    await page.getByText('FleetOps commands').waitFor({ timeout: 30_000 });
    await page.getByText('subscribe alerts|deployments|rollouts [filter]', { exact: false }).first().waitFor();
    await page.getByText('FleetOps commands').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(repoRoot(), 'docs/screenshot-help.png') });
  });
});
