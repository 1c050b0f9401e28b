import { Writable } from 'node:stream';
import { createLogger } from '../../bot/logger';

test('secrets are redacted wherever they appear in a log record', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('info', sink as never);
  log.info({ password: 'p1', token: 't1', req: { headers: { authorization: 'Bearer abc' } }, config: { clientSecret: 's1' }, deviceId: 'device-42' }, 'hello');
  const text = lines.join('');
  for (const secret of ['p1', 't1', 'Bearer abc', 's1']) expect(text).not.toContain(secret);
  expect(text).toContain('device-42');
  expect(text).toContain('[redacted]');
});
