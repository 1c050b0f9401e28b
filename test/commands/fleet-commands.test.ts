import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import type { AdaptiveCard } from '../../cards/card';
import type { DeviceServices } from '../../commands/status';
import type { FleetClient } from '../../core/ports/fleet';
import type { LogsClient } from '../../core/ports/logs';
import { fleetWorld, textOf } from './fleet-world';

/** How a device filter is written: the end of a refusal of an unknown word. */
const FILTER_TERMS =
  'Filter terms (combine with spaces): `site:<site>`, `ring:<ring>`, `model:<model>`, `fw:<version>`, `tag.<name>:<value>`, `online`, `offline`, `enabled`, `disabled`, `update:<status>`.';

const actionsOf = (card: AdaptiveCard) => (card.actions ?? []) as Array<{ title: string; verb?: string; data?: Record<string, unknown> }>;

describe('status <device>', () => {
  test('shows connection, last seen, firmware, health and tags', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'status device-1');
    const card = w.replies[0] as AdaptiveCard;
    const text = textOf(card);
    expect(text).toContain('device-1');
    expect(text).toContain('🟢 Connected · last seen 1 min ago');
    expect(text).toContain('"title":"Current","value":"1.2.0"');
    expect(text).toContain('Battery');
    expect(text).toContain('site: **berlin**');
    expect(actionsOf(card).map((a) => a.title)).toEqual(['Refresh', 'Reboot…']);
    w.harness.close();
  });

  test('forgives case and surrounding punctuation', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'status `DEVICE-3`?');
    await dispatchMessage(w.ctx(), 'status of "device-3".');
    expect(textOf(w.replies[0])).toContain('"text":"device-3"');
    expect(textOf(w.replies[1])).toContain('"text":"device-3"');
    w.harness.close();
  });

  test('an unknown id names the closest ones', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'status device-100');
    expect(w.replies[0]).toBe("No device 'device-100'. Did you mean `device-10`, `device-1`, `device-11`?");
    w.harness.close();
  });

  test('firmware drift, rollout membership and open alerts', async () => {
    const alerts = {
      openForDevice: (id: string) => [{ deviceId: id, rule: 'Device temperature high', severity: 1, firedAt: '2026-01-01T00:50:00Z', state: 'New' }],
    } as unknown as DeviceServices['alerts'];
    const w = await fleetWorld({ alerts });
    await w.harness.client.updateDesired(['device-3'], { firmware: { fwVersion: '1.3.0', rolloutId: 'R-7', waveId: '2' } });
    await dispatchMessage(w.ctx(), 'status device-3');
    const text = textOf(w.replies[0]);
    expect(text).toContain('⚠️ Runs 1.1.0 but should run 1.3.0');
    expect(text).toContain('"title":"Rollout","value":"R-7, wave 2"');
    expect(text).toContain('Open alerts (1)');
    expect(text).toContain('**Sev1** Device temperature high · New · 10 min ago');
    expect(text).toContain('Unhealthy');
    expect(text).toContain('offline for 1 h 30 min');
    w.harness.close();
  });

  test('Show logs appears once logs exist; the portal link in Azure mode', async () => {
    // The local registry, describing itself as an IoT Hub without a resource id (the portal's list of hubs).
    const hub = (fleet: FleetClient): FleetClient =>
      Object.assign(Object.create(fleet) as FleetClient, {
        describe: () => ({ backend: 'iothub' as const, portalUrl: 'https://portal.azure.com/#browse/Microsoft.Devices%2FIotHubs' }),
      });
    const w = await fleetWorld({ logs: {} as LogsClient }, { fleet: hub });
    await dispatchMessage(w.ctx(), 'status device-1');
    const actions = actionsOf(w.replies[0] as AdaptiveCard);
    expect(actions.map((a) => a.title)).toEqual(['Refresh', 'Reboot…', 'Show logs', 'Open in Azure portal']);
    expect(actions[2]!.verb).toBe('logs.device');
    expect(actions[2]!.data).toEqual({ deviceId: 'device-1', verb: 'logs.device' });
    expect(textOf(w.replies[0])).toContain('IoT Hub view; connection state may lag up to 5 min');
    w.harness.close();
  });
});

describe('reboot from the card', () => {
  test('a viewer is refused and audited', async () => {
    const w = await fleetWorld();
    const result = await dispatchCardAction(w.ctx('viewer'), 'device.reboot.confirm', { deviceId: 'device-1' });
    expect(result.message).toMatch(/needs the operator role/);
    expect(w.audit.entries).toMatchObject([{ action: 'device.reboot.confirm', target: 'device-1', outcome: 'denied' }]);
    w.harness.close();
  });

  test('an operator confirms, the method is sent, the card says so and the audit records it', async () => {
    const w = await fleetWorld();
    const calls: string[] = [];
    w.harness.answerMethods((id, name) => {
      calls.push(`${name}:${id}`);
      return { status: 200, payload: { message: 'Rebooting', expectedBackInSeconds: 12 } };
    });
    const ask = await dispatchCardAction(w.ctx('operator'), 'device.reboot', { deviceId: 'device-1' });
    expect(calls).toEqual([]);
    expect(actionsOf(ask.card!).map((a) => a.title)).toEqual(['Reboot now', 'Cancel']);
    const done = await dispatchCardAction(w.ctx('operator'), 'device.reboot.confirm', { deviceId: 'device-1' });
    expect(calls).toEqual(['reboot:device-1']);
    expect(textOf(done.card)).toContain('Reboot sent by Olga Operator; device-1 answered 200, back in about 12 s');
    expect(w.audit.entries).toMatchObject([{ action: 'device.reboot.confirm', target: 'device-1', outcome: 'ok' }]);
    w.harness.close();
  });

  test('an offline device: the failure is explained and audited as failed', async () => {
    const w = await fleetWorld();
    const result = await dispatchCardAction(w.ctx('operator'), 'device.reboot.confirm', { deviceId: 'device-3' });
    expect(result.message).toMatch(/^Reboot of device-3 failed \(404\): .*not online.*Nothing was changed\.$/);
    expect(w.audit.entries).toMatchObject([{ action: 'device.reboot.confirm', outcome: 'failed' }]);
    w.harness.close();
  });

  test('button data is validated', async () => {
    const w = await fleetWorld();
    const result = await dispatchCardAction(w.ctx('operator'), 'device.reboot.confirm', { deviceId: 'x y; DROP' });
    expect(result.message).toMatch(/sent something I can't use/);
    w.harness.close();
  });
});

describe('devices [filter]', () => {
  test('a table of matching devices with the total', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'devices offline');
    const text = textOf(w.replies[0]);
    expect(text).toContain('Devices matching `offline`');
    expect(text).toContain('1–3 of 3');
    expect(text).toMatch(/device-3.*device-11.*device-12/);
    expect(actionsOf(w.replies[0] as AdaptiveCard)).toEqual([]);
    w.harness.close();
  });

  test('a bad filter gets what is wrong, then the usage', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'devices sitee:berlin');
    await dispatchMessage(w.ctx(), 'devices update:exploded');
    await dispatchMessage(w.ctx(), 'devices tag.floor:3 tag.floor:4');
    const usage = '\n\nUsage: `devices [filter]` — for example `devices`, `devices offline`. Type `help devices` for details.';
    expect(w.replies).toEqual([
      `I don't know the filter term \`sitee:berlin\`. Did you mean \`site:\`? ${FILTER_TERMS}${usage}`,
      `\`exploded\` is not an update status; use one of current, downloading, verifying, applying, rebooting, error, rolledback.${usage}`,
      `\`tag.floor:4\` contradicts the earlier \`tag.floor:3\`: no device can match both, so the filter matches nothing.${usage}`,
    ]);
    w.harness.close();
  });

  test('a page button whose filter cannot be read gets the refusal `devices` gives for that filter, with its code', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'devices sitee:berlin');
    const [line] = String(w.replies[0]).split('\n\n');
    const result = await dispatchCardAction(w.ctx(), 'devices.page', { filter: 'sitee:berlin', tokens: [''], base: 0 });
    expect(result).toEqual({ message: line, refused: 'device_filter_term_unknown' });
    expect(line).toBe(`I don't know the filter term \`sitee:berlin\`. Did you mean \`site:\`? ${FILTER_TERMS}`);
    const contradiction = await dispatchCardAction(w.ctx(), 'devices.page', { filter: 'online offline', tokens: [''], base: 0 });
    expect(contradiction.refused).toBe('device_filter_contradiction');
    expect(await dispatchCardAction(w.ctx(), 'devices.page', { filter: 7, tokens: [''], base: 0 })).toEqual({
      message: "This button sent something I can't use: filter must be text.",
    });
    w.harness.close();
  });

  test('Next and Previous walk the pages', async () => {
    const w = await fleetWorld({}, { seed: false });
    await w.harness.seed(Array.from({ length: 45 }, (_, i) => ({ deviceId: `device-${i + 1}`, tags: { site: 'oslo' } })));
    await dispatchMessage(w.ctx(), 'devices site:oslo');
    const first = w.replies[0] as AdaptiveCard;
    expect(textOf(first)).toContain('1–20 of 45');
    const next = actionsOf(first).find((a) => a.title === 'Next')!;
    const second = (await dispatchCardAction(w.ctx(), next.verb!, next.data!)).card!;
    expect(textOf(second)).toContain('21–40 of 45');
    expect(textOf(second)).toContain('device-21');
    const third = (await dispatchCardAction(w.ctx(), 'devices.page', actionsOf(second).find((a) => a.title === 'Next')!.data!)).card!;
    expect(textOf(third)).toContain('41–45 of 45');
    expect(actionsOf(third).map((a) => a.title)).toEqual(['Previous']);
    const back = (await dispatchCardAction(w.ctx(), 'devices.page', actionsOf(third)[0]!.data!)).card!;
    expect(textOf(back)).toContain('21–40 of 45');
    const start = (await dispatchCardAction(w.ctx(), 'devices.page', actionsOf(back).find((a) => a.title === 'Previous')!.data!)).card!;
    expect(textOf(start)).toContain('1–20 of 45');
    w.harness.close();
  });

  test('a stale token asks to start again', async () => {
    const w = await fleetWorld();
    const result = await dispatchCardAction(w.ctx(), 'devices.page', { filter: '', tokens: ['', 'not-a-token'], base: 0 });
    expect(result.message).toMatch(/out of date.*Type `devices` again/);
    w.harness.close();
  });
});

describe('fleet', () => {
  test('totals, firmware and site breakdowns, longest silent', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'fleet');
    const card = w.replies[0] as AdaptiveCard;
    const text = textOf(card);
    expect(text).toContain('"text":"6"');
    expect(text).toContain('3 (50 %)');
    expect(text).toContain('Chart.Donut');
    expect(text).toContain('{"legend":"1.2.0: 3 (50 %)","value":3}');
    expect(text).toContain('{"x":"berlin","y":2}');
    expect(text).toContain('1 failed or rolled back');
    expect(text).toMatch(/"title":"device-12","value":"never · oslo".*"title":"device-11","value":"10 h ago · oslo"/);
    const refreshed = await dispatchCardAction(w.ctx(), 'fleet.refresh', actionsOf(card)[0]!.data!);
    expect(refreshed.card).toBeDefined();
    w.harness.close();
  });

  test('a filter no device can match is refused before anything is counted', async () => {
    const w = await fleetWorld();
    await dispatchMessage(w.ctx(), 'fleet online site:berlin offline');
    await dispatchMessage(w.ctx(), 'fleet site:');
    const usage = '\n\nUsage: `fleet [filter]` — for example `fleet`, `fleet site:berlin`. Type `help fleet` for details.';
    expect(w.replies).toEqual([
      `\`offline\` contradicts the earlier \`online\`: no device can match both, so the filter matches nothing.${usage}`,
      `\`site:\` has no value; write it like \`site:value\`.${usage}`,
    ]);
    w.harness.close();
  });

  test('a Refresh whose filter cannot be read gets the refusal `fleet` gives for that filter, with its code', async () => {
    const w = await fleetWorld();
    expect(await dispatchCardAction(w.ctx(), 'fleet.refresh', { filter: 'ofline' })).toEqual({
      message: `I don't know the filter term \`ofline\`. Did you mean \`online\` or \`offline\`? ${FILTER_TERMS}`,
      refused: 'device_filter_term_unknown',
    });
    expect(await dispatchCardAction(w.ctx(), 'fleet.refresh', { filter: 'site:' })).toEqual({
      message: '`site:` has no value; write it like `site:value`.',
      refused: 'device_filter_term_without_value',
    });
    expect(await dispatchCardAction(w.ctx(), 'fleet.refresh', {})).toEqual({ message: "This button sent something I can't use: filter must be text." });
    w.harness.close();
  });
});
