import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The Playground's chat input. */
export const CHAT_INPUT = '[data-lexical-editor="true"][role="textbox"]';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Waits until `url` answers below 500 (the Playground's web server is up). */
export async function waitForHttp(url: string, timeoutInMs: number): Promise<void> {
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

/** Headless Debian Chromium with a fresh profile (its own user-data-dir), offline-friendly flags. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}; install it with "apt-get install chromium fonts-noto-color-emoji" (or set CHROMIUM_PATH)`);
  return chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new tab on the Playground at `port`, once its chat input is there. */
export async function openPlayground(browser: BrowserContext, port: number): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${port}`);
  await page.locator(CHAT_INPUT).waitFor({ timeout: 60_000 });
  return page;
}

/** Types `text` into the Playground's chat and sends it. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator(CHAT_INPUT).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}
