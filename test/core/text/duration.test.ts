import { formatDuration } from '../../../core/text/duration';

test('durations read the same on every card: two units at most', () => {
  expect([0, 45_000, 12 * 60_000, 3 * 3_600_000, 3 * 3_600_000 + 5 * 60_000, 52 * 3_600_000, 96 * 3_600_000, -5_000].map(formatDuration)).toEqual([
    '0 s', '45 s', '12 min', '3 h', '3 h 5 min', '2 d 4 h', '4 d', '0 s',
  ]);
});
