import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext } from 'playwright-core';
import { startFleetOps, type RunningBot } from '../../bot/server';
import { repoRoot, startPlayground } from '../../bot/playground';
import { silentLogger } from '../../core/logger';
import { launchChromium, openPlayground, say as sayIn, waitForHttp } from '../support/browser';
import { devicePayload } from '../core/alerts/fixtures';

/**
 * The README's on-call screenshot (docs/screenshot-oncall.png), from the Agents Playground:
 * Alex Wilber is on call for berlin-ops, this chat's alerts subscription names it, an alert
 * fires and its card @mentions him, two notes are added, and the rule has a runbook.
 * Its own bot and Playground (ports apart from playground.test.ts), so it runs alone too.
 */
const PORT = Number(process.env.E2E_ONCALL_PLAYGROUND_PORT ?? 56170);
const TOKEN = 'e2e-oncall-token';
const ALEX = '00000000-0000-0000-0000-0000000000020';
const MEGAN = '00000000-0000-0000-0000-0000000000021';

jest.setTimeout(240_000);

const ONCALL_YAML = `rotations:
  - name: berlin-ops
    cadence: weekly
    handoff: Mon 09:00
    timeZone: Europe/Berlin
    members: [{ id: "${ALEX}", name: Alex Wilber }]
    secondaries: [{ id: "${MEGAN}", name: Megan Bowen }]
    unacknowledgedMinutes: 5
runbooks:
  Temperature high: https://wiki.contoso.com/runbooks/temperature-high
`;

describe('on call in the Agents Playground', () => {
  let bot: RunningBot;
  let playground: ChildProcess | undefined;
  let browser: BrowserContext | undefined;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-e2e-oncall-'));
    const oncallFile = path.join(dataDir, 'oncall.yaml');
    fs.writeFileSync(oncallFile, ONCALL_YAML);
    bot = await startFleetOps(
      { PORT: '0', DATA_DIR: dataDir, SIM_DEVICES: '20', ALERT_RULES: 'off', ALERTS_WEBHOOK_TOKEN: TOKEN, ONCALL_FILE: oncallFile, LOG_LEVEL: 'silent' },
      { logger: silentLogger },
    );
    playground = startPlayground({ botUrl: bot.url, port: PORT, cwd: repoRoot(), log: silentLogger });
    await waitForHttp(`http://127.0.0.1:${PORT}`, 30_000);
    browser = await launchChromium({ width: 1280, height: 1400 });
  });

  afterAll(async () => {
    await browser?.close();
    playground?.kill('SIGTERM');
    await bot?.stop(1_000);
  });

  test('the alert card @mentions the one on call, with notes and a Runbook button; the screenshot goes to docs/', async () => {
    const page = await openPlayground(browser!, PORT);
    const say = (text: string) => sayIn(page, text);
    await say('subscribe alerts oncall:berlin-ops');
    await page
      .getByText(/Subscribed/)
      .last()
      .waitFor({ timeout: 30_000 });

    const payload = devicePayload({
      alertId: '/subscriptions/s1/providers/Microsoft.AlertsManagement/alerts/berlin-7',
      deviceId: 'gateway-berlin-07',
      site: 'berlin',
      severity: 1,
      firedAt: new Date(Date.now() - 4 * 60_000).toISOString(),
    });
    const posted = await fetch(`${bot.url}/api/alerts?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(posted.status).toBe(200);
    const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'Temperature high' }).last();
    await card.getByText(/you are on call for/).waitFor({ timeout: 60_000 });

    await say('alert note berlin-7 Fan of gateway-berlin-07 stopped; cabinet at 91 °C');
    await page
      .getByText(/Note added/)
      .last()
      .waitFor({ timeout: 30_000 });
    await say('alert note berlin-7 Spare fan fitted, temperature falling');
    await card.getByText('Notes (2)').waitFor({ timeout: 30_000 });
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(repoRoot(), 'docs/screenshot-oncall.png') });
    for (const button of ['Acknowledge', 'Add note', 'Escalate', 'Reassign…']) await card.getByRole('button', { name: button }).first().waitFor();
    await card.getByText('Runbook', { exact: true }).first().waitFor();
  });

  test('Silence… on a card, then `silences` and End silence: an alert that arrived silenced gets its card', async () => {
    const page = await openPlayground(browser!, PORT);
    const say = (text: string) => sayIn(page, text);
    const post = async (id: string) => {
      const payload = devicePayload({
        alertId: `/subscriptions/s1/providers/Microsoft.AlertsManagement/alerts/${id}`,
        deviceId: 'gateway-berlin-08',
        site: 'berlin',
        severity: 2,
        firedAt: new Date().toISOString(),
      });
      const posted = await fetch(`${bot.url}/api/alerts?token=${TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      expect(posted.status).toBe(200);
    };
    const alertCard = (id: string) => page.locator('.ac-adaptiveCard').filter({ hasText: `id ${id}` });
    await post('berlin-8');
    const first = alertCard('berlin-8').last();
    await first.waitFor({ timeout: 60_000 });
    await first.getByRole('button', { name: 'Silence…' }).click();
    await first.getByRole('button', { name: '4 h' }).first().click();
    await first
      .getByText(/Silenced/)
      .first()
      .waitFor({ timeout: 30_000 });
    // Arrives silenced: stored, no card.
    await post('berlin-9');
    await say('silences');
    const list = page.locator('.ac-adaptiveCard').filter({ hasText: 'Active alert silences' }).last();
    await list.getByRole('button', { name: 'End silence' }).waitFor({ timeout: 30_000 });
    expect(await alertCard('berlin-9').count()).toBe(0);
    await list.getByRole('button', { name: 'End silence' }).click();
    await list.getByText('Alex Wilber ended the silence of Temperature high on gateway-berlin-08: its alerts get cards again.').waitFor({ timeout: 30_000 });
    await list.getByText(/No active silences/).waitFor();
    await alertCard('berlin-9').first().waitFor({ timeout: 30_000 });
    const shots = path.join(repoRoot(), 'test/e2e/screenshots');
    fs.mkdirSync(shots, { recursive: true });
    await list.screenshot({ path: path.join(shots, '17-silence-ended.png') });
  });
});
