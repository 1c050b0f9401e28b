import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startFleetOps, type RunningBot } from '../../bot/server';
import { startPlayground, repoRoot, type PlaygroundUser } from '../../bot/playground';
import { silentLogger } from '../../core/logger';
import { launchChromium, openPlayground, say, waitForHttp } from '../support/browser';

const PLAYGROUND_PORT = Number(process.env.E2E_PLAYGROUND_PORT ?? 56150);
/** The second Playground, signed in as the viewer (`npm start -- --as viewer`). */
const VIEWER_PORT = PLAYGROUND_PORT + 1;
/** Every step leaves a screenshot here (not committed), to look at after a run. */
const SHOTS = path.join(repoRoot(), 'test/e2e/screenshots');

jest.setTimeout(240_000);

/** The parts of a DOM element `lines` reads (the tests compile without the DOM library). */
interface Measured {
  getBoundingClientRect(): { height: number };
  ownerDocument: { defaultView: { getComputedStyle(element: unknown): { fontSize: string } } };
}

/** The first-hour walk (issue 13) in the Agents Playground, as Alex (release lead) and as Megan (viewer). */
describe('the Agents Playground talks to FleetOps', () => {
  let bot: RunningBot;
  const playgrounds: ChildProcess[] = [];
  let browser: BrowserContext;
  let page: Page;

  const start = async (as: PlaygroundUser, port: number) => {
    playgrounds.push(startPlayground({ botUrl: bot.url, port, cwd: repoRoot(), log: silentLogger, as }));
    await waitForHttp(`http://127.0.0.1:${port}`, 30_000);
  };

  const open = (port: number): Promise<Page> => openPlayground(browser, port);

  /** The last top-level card that shows `text`. */
  const cardWith = (on: Page, text: string | RegExp): Locator => on.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  /** How many lines a text element takes: lines are about 1.33 × the font size high (its <p> says line-height "normal"). */
  const lines = (text: Locator): Promise<number> =>
    text.evaluate((el: Measured) =>
      Math.round(el.getBoundingClientRect().height / (Number.parseFloat(el.ownerDocument.defaultView.getComputedStyle(el).fontSize) * 1.4)),
    );

  const shoot = async (what: Locator | Page, name: string) => {
    await what.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-e2e-'));
    bot = await startFleetOps(
      { PORT: '0', DATA_DIR: dataDir, SIM_DEVICES: process.env.E2E_SIM_DEVICES ?? '200', LOG_LEVEL: 'silent' },
      { logger: silentLogger },
    );
    await start('release-lead', PLAYGROUND_PORT);
    // A fresh profile each run (persistent context = our own user-data-dir).
    browser = await launchChromium({ width: 1280, height: 900 });
    page = await open(PLAYGROUND_PORT);
  });

  afterAll(async () => {
    await browser?.close();
    for (const child of playgrounds) child.kill('SIGTERM');
    await bot?.stop(1_000);
  });

  test('typing help shows the command card; the screenshot goes to docs/', async () => {
    await say(page, 'help');
    await page.getByText('FleetOps commands').waitFor({ timeout: 30_000 });
    await page.getByText('subscribe alerts|deployments|rollouts [filter]', { exact: false }).first().waitFor();
    await page.getByText('FleetOps commands').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(repoRoot(), 'docs/screenshot-help.png') });
  });

  test('item 2: the firmware card marks the bad version and offers the newest good one', async () => {
    await say(page, 'firmware');
    const card = cardWith(page, 'Firmware versions');
    await card.getByText('Marked bad in the catalog').waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Plan rollout of 2.4.1' }).waitFor();
    await card.getByText('Newest good version: 2.4.1').waitFor();
    await shoot(card, '02-firmware-bad-version');
  });

  test('item 1: firmware card → plan → progress is one card, updated in place when the rollout is aborted', async () => {
    const card = cardWith(page, 'Firmware versions');
    await card.getByRole('button', { name: 'Plan rollout of 2.4.1' }).click();
    const plan = cardWith(page, 'Rollout plan R1');
    await plan.getByRole('button', { name: 'Start R1' }).waitFor({ timeout: 30_000 });
    await shoot(plan, '01a-plan-card');
    await plan.getByRole('button', { name: 'Start R1' }).click();
    const progress = cardWith(page, 'Rollout R1 · firmware 2.4.1');
    await progress.getByText(/Running wave 1 of 4/).waitFor({ timeout: 30_000 });
    await progress.getByRole('button', { name: 'Abort and revert…' }).waitFor();
    await shoot(progress, '01b-progress-card');

    await say(page, 'rollout abort R1');
    await page
      .getByRole('paragraph')
      .filter({ hasText: /Alex Wilber aborted of R1/ })
      .last()
      .waitFor({ timeout: 30_000 });
    // The same card, not a new one, now says Aborted; no second progress card was posted.
    await progress.getByText('⏹ Aborted', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.ac-adaptiveCard').filter({ hasText: 'Rollout R1 · firmware 2.4.1' }).count()).toBe(1);
    await progress.scrollIntoViewIfNeeded();
    await shoot(progress, '01c-progress-card-aborted');
  });

  test('item 5: log tables show readable timestamps, UTC once, headers on one line', async () => {
    await say(page, 'logs DeviceLogs | take 5 | project TimeGenerated, Level, Component, Message');
    const card = cardWith(page, 'times in UTC');
    await card.waitFor({ timeout: 60_000 });
    const stamp = card.getByText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/).first();
    await stamp.waitFor();
    // Headers, timestamps and levels on one line: no "TimeGen erated", "Le vel", "Inf o" (timestamps used to wrap over 5 lines).
    await shoot(card, '05-log-table');
    const cells = {
      TimeGenerated: card.getByText('TimeGenerated', { exact: true }),
      Level: card.getByText('Level', { exact: true }),
      Component: card.getByText('Component', { exact: true }),
      timestamp: stamp,
      level: card.getByText(/^(Info|Error|Warning|Debug)$/).first(),
    };
    const measured: Record<string, number> = {};
    for (const [name, cell] of Object.entries(cells)) measured[name] = await lines(cell);
    expect(measured).toEqual({ TimeGenerated: 1, Level: 1, Component: 1, timestamp: 1, level: 1 });
  });

  test('item 7: a misspelt column gets "did you mean", and the query with its caret is not cut off', async () => {
    await say(page, 'logs DeviceLogs | where Level == "Error" and Component == "modem" and Mesage has "timeout" | take 10');
    const answer = page.getByText(/Did you mean/).last();
    await answer.waitFor({ timeout: 60_000 });
    expect(await answer.textContent()).toContain('Message');
    const code = page.locator('pre, code').filter({ hasText: '^^^^^^' }).last();
    const fits = await code.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(fits).toBe(true);
    await answer.scrollIntoViewIfNeeded();
    await shoot(page, '07-kql-error');
  });

  test('item 8: `logs schema` lists the tables and their columns', async () => {
    await say(page, 'logs schema');
    const card = cardWith(page, 'Log tables');
    await card.getByText('DeviceTelemetry (6 columns)').waitFor({ timeout: 30_000 });
    await card.getByText('TimeGenerated').first().waitFor();
    await shoot(card, '08-logs-schema');
  });

  test('`subscriptions` lists what this chat receives, and Unsubscribe removes that row on the same card', async () => {
    await say(page, 'subscribe alerts sev<=2');
    await page
      .getByText(/now receives alerts matching/)
      .last()
      .waitFor({ timeout: 30_000 });
    await say(page, 'subscribe deployments');
    await page
      .getByText(/now receives all deployments/)
      .last()
      .waitFor({ timeout: 30_000 });
    await say(page, 'subscriptions');
    const card = cardWith(page, 'This conversation’s subscriptions');
    await card.getByText('sev<=2').waitFor({ timeout: 30_000 });
    expect(await card.getByRole('button', { name: 'Unsubscribe' }).count()).toBe(2);
    await shoot(card, '16a-subscriptions');
    await card.getByRole('button', { name: 'Unsubscribe' }).first().click();
    await card.getByText('Alex Wilber unsubscribed this conversation from alerts sev<=2.').waitFor({ timeout: 30_000 });
    expect(await card.getByRole('button', { name: 'Unsubscribe' }).count()).toBe(1);
    expect(await page.locator('.ac-adaptiveCard').filter({ hasText: 'This conversation’s subscriptions' }).count()).toBe(1);
    await shoot(card, '16b-subscriptions-unsubscribed');
  });

  test('item 15: `npm start -- --as viewer` signs you in as Megan Bowen, a viewer, who may look but not plan', async () => {
    await start('viewer', VIEWER_PORT);
    const viewer = await open(VIEWER_PORT);
    await viewer.getByText('Megan Bowen').first().waitFor({ timeout: 30_000 });
    await say(viewer, 'whoami');
    await viewer
      .getByText(/viewer/)
      .last()
      .waitFor({ timeout: 30_000 });
    await say(viewer, 'rollout plan 2.4.1');
    await viewer.getByText(/needs the operator role; you are a viewer/).waitFor({ timeout: 30_000 });
    await shoot(viewer, '15-viewer');
  });
});
