import { formatDuration, isoDurationText } from '../../../core/text/duration';

test('durations read the same on every card: two units at most', () => {
  expect([0, 45_000, 12 * 60_000, 3 * 3_600_000, 3 * 3_600_000 + 5 * 60_000, 52 * 3_600_000, 96 * 3_600_000, -5_000].map(formatDuration)).toEqual([
    '0 s',
    '45 s',
    '12 min',
    '3 h',
    '3 h 5 min',
    '2 d 4 h',
    '4 d',
    '0 s',
  ]);
});

test('ISO 8601 durations from Azure Monitor read like the others; anything else is left as it was', () => {
  expect(['PT5M', 'PT1H', 'PT1440M', 'PT1H30M', 'P1D', 'PT30S', 'P1DT2H', '5 minutes', 'P', 'PT'].map(isoDurationText)).toEqual([
    '5 min',
    '1 h',
    '1 d',
    '1 h 30 min',
    '1 d',
    '30 s',
    '1 d 2 h',
    '5 minutes',
    'P',
    'PT',
  ]);
});
