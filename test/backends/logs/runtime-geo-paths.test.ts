/** The JavaScript halves of parse_path, geo_geohash_to_central_point and the weighted percentiles, on the reference's examples. */
import { geohashCentralPoint } from '../../../backends/logs/kql/runtime/geo';
import { parsePath } from '../../../backends/logs/kql/runtime/paths';
import { weightedPercentiles } from '../../../backends/logs/kql/runtime/weighted-percentiles';

// https://learn.microsoft.com/kusto/query/parse-path-function (example)
test("parse_path splits drive, UNC, scheme and stream paths into Kusto's fields", () => {
  expect(parsePath('C:\\temp\\file.txt')).toEqual({
    Scheme: '',
    RootPath: 'C:',
    DirectoryPath: 'C:\\temp',
    DirectoryName: 'temp',
    Filename: 'file.txt',
    Extension: 'txt',
    AlternateDataStreamName: '',
  });
  expect(parsePath('file://C:/temp/file.txt:some.exe')).toEqual({
    Scheme: 'file',
    RootPath: 'C:',
    DirectoryPath: 'C:/temp',
    DirectoryName: 'temp',
    Filename: 'file.txt',
    Extension: 'txt',
    AlternateDataStreamName: 'some.exe',
  });
  expect(parsePath('\\\\shared\\users\\temp\\file.txt.gz')).toMatchObject({
    RootPath: '',
    DirectoryPath: '\\\\shared\\users\\temp',
    Filename: 'file.txt.gz',
    Extension: 'gz',
  });
  expect(parsePath('/usr/lib/temp/file.txt')).toMatchObject({ DirectoryPath: '/usr/lib/temp', DirectoryName: 'temp', Filename: 'file.txt' });
});

// https://learn.microsoft.com/kusto/query/geo-geohash-to-central-point-function (examples)
test('a geohash decodes to the centre of its cell, longitude first; an invalid one to null', () => {
  expect(geohashCentralPoint('sunny')).toEqual({ type: 'Point', coordinates: [42.47314453125, 23.70849609375] });
  expect(geohashCentralPoint('a')).toBeNull();
  expect(geohashCentralPoint('')).toBeNull();
});

// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function (weighted percentiles example)
test('weighted percentiles count each value weight times (nearest rank)', () => {
  const buckets: [number, number][] = [
    [20, 20],
    [35, 32],
    [50, 110],
    [60, 4],
    [70, 30],
  ];
  expect(weightedPercentiles(buckets, [50, 75, 99.9])).toEqual([50, 50, 70]);
  expect(weightedPercentiles([], [50])).toEqual([null]);
});
