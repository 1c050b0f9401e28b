import { startTestBot, USERS, type TestBot } from '../support/bot-harness';

/** The real server with a 60-device simulated fleet: chat in, cards out, buttons with roles. */
describe('fleet over the Bot Framework protocol', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: { SIM_DEVICES: '60', SIM_SEED: '7' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  const lastCardAfter = async (before: number) => {
    await t.connector.waitFor(() => t.connector.cards().length > before);
    return JSON.stringify(t.connector.cards().at(-1));
  };

  test('status of a simulated device answers with its card', async () => {
    const before = t.connector.cards().length;
    await t.say('status Device-7.');
    const card = await lastCardAfter(before);
    expect(card).toContain('"text":"device-7"');
    expect(card).toMatch(/Connected|Disconnected/);
    expect(card).toContain('"verb":"device.reboot"');
  });

  test('an unknown device gets the closest ids', async () => {
    const before = t.connector.messages.length;
    await t.say('status device-600');
    await t.connector.waitFor(() => t.connector.messages.length > before);
    expect(t.connector.texts().at(-1)).toMatch(/^No device 'device-600'\. Did you mean `device-60`/);
  });

  test('devices and fleet answer with cards', async () => {
    let before = t.connector.cards().length;
    await t.say('devices ring:broad');
    expect(await lastCardAfter(before)).toMatch(/Devices matching `ring:broad`.*1–20 of \d+/);
    before = t.connector.cards().length;
    await t.say('fleet');
    expect(await lastCardAfter(before)).toContain('"text":"60"');
  });

  test('reboot needs an operator; the operator gets the confirmation, then the result', async () => {
    const denied = await t.click('device.reboot.confirm', { deviceId: 'device-1' }, { user: USERS.viewer });
    expect(JSON.stringify(denied)).toMatch(/needs the operator role/);
    const ask = await t.click('device.reboot', { deviceId: 'device-1' }, { user: USERS.operator });
    expect(JSON.stringify(ask)).toContain('Reboot device-1?');
  });
});
