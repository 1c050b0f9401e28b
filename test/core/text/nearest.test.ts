import { rankNearest } from '../../../core/text/nearest';
import { naturalCompare } from '../../../core/text/natural-order';

describe('rankNearest, the one "did you mean" ranker', () => {
  test('closest first; ties go to the shorter, then to natural order', () => {
    const ids = ['device-42', 'device-420', 'device-421', 'device-4', 'device-7', 'sensor-42'];
    expect(rankNearest('device-4200', ids, { max: 3 })).toEqual(['device-420', 'device-42', 'device-421']);
    expect(rankNearest('device-100', ['device-11', 'device-1', 'device-10'])).toEqual(['device-10', 'device-1', 'device-11']);
  });

  test('case is ignored and the candidate keeps its own spelling', () => {
    expect(rankNearest('levle', ['Level', 'Message'])).toEqual(['Level']);
    expect(rankNearest('DEVICE-42', ['device-42', 'device-43'], { max: 1 })).toEqual(['device-42']);
  });

  test('the default tolerance is a third of the input, at least 2', () => {
    expect(rankNearest('ab', ['abcd', 'abcde'])).toEqual(['abcd']);
    expect(rankNearest('rollouts', ['rollout', 'rol'])).toEqual(['rollout']);
    expect(rankNearest('zzz', ['device-42'])).toEqual([]);
    expect(rankNearest('sitee', ['site', 'fw'], { maxDistance: 0 })).toEqual([]);
  });

  test('with prefixCounts, a word the user started typing comes right after an exact match', () => {
    expect(rankNearest('stat', ['start', 'status', 'stats-of-everything'], { prefixCounts: true, max: 2 })).toEqual(['status', 'stats-of-everything']);
    expect(rankNearest('stat', ['start', 'status'])).toEqual(['start', 'status']);
    expect(rankNearest('s', ['status'], { prefixCounts: true })).toEqual([]);
  });

  test('bestOnly keeps only those at the smallest distance', () => {
    expect(rankNearest('ofline', ['online', 'offline', 'enabled'], { bestOnly: true, maxDistance: 2 })).toEqual(['online', 'offline']);
    expect(rankNearest('x', [], { bestOnly: true })).toEqual([]);
  });

  test('duplicates count once', () => {
    expect(rankNearest('device-1', ['device-1', 'device-1', 'device-2'])).toEqual(['device-1', 'device-2']);
  });

  test('natural order: digit runs compare as numbers', () => {
    expect(['device-10', 'device-2', 'device-1'].sort(naturalCompare)).toEqual(['device-1', 'device-2', 'device-10']);
  });
});
