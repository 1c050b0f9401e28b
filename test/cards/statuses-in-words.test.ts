import fs from 'node:fs';
import path from 'node:path';

/**
 * Emoji render as empty boxes where no colour-emoji font is installed (Debian's Chromium
 * without fonts-noto-color-emoji, some Teams clients): every status an emoji carries is
 * also said in words. No pinned card has a text that is only emoji.
 */
test('no pinned card says a status with an emoji alone', () => {
  const dir = path.join(__dirname, '__snapshots__');
  const emojiOnly = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.snap'))
    .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/"text": "([^"\\]*)"/g)].map((m) => ({ file: f, text: m[1]! })))
    .filter(({ text }) => /\p{Extended_Pictographic}/u.test(text) && !/\p{L}{2,}/u.test(text.replace(/\p{Extended_Pictographic}/gu, '')));
  expect(emojiOnly).toEqual([]);
});
