/**
 * Expected outputs from the examples in Microsoft's KQL reference
 * (learn.microsoft.com/kusto/query/...), one case per operator or function.
 */
import { closeEngine, run } from './engine-helper';

// The first query loads Microsoft's parser (a few seconds).
beforeAll(() => run('print 1'), 60_000);
afterAll(closeEngine);

type Case = [query: string, columns: string[], rows: unknown[][]];

const cases: Record<string, Case[]> = {
  'scalar functions': [
    ['print bin(4.5, 1)', ['print_0'], [[4]]],
    ['print bin(time(16d), 7d)', ['print_0'], [['14.00:00:00']]],
    ['print bin(datetime(1970-05-11 13:45:07), 1d)', ['print_0'], [['1970-05-11T00:00:00Z']]],
    ['print strcat("hello", " ", "world")', ['print_0'], [['hello world']]],
    ['print substring("123456", 1, 3)', ['print_0'], [['234']]],
    ['print substring("ABCD", 2)', ['print_0'], [['CD']]],
    ['print split("aa_bb", "_")', ['print_0'], [[['aa', 'bb']]]],
    ['print split("aaa_bbb_ccc", "_", 1)', ['print_0'], [[['bbb']]]],
    ['print extract("x=([0-9.]+)", 1, "hello x=45.6|wo")', ['print_0'], [['45.6']]],
    ['print indexof("abcdefg", "cde")', ['print_0'], [[2]]],
    ['print indexof("abcdefg", "xyz")', ['print_0'], [[-1]]],
    ['print countof("aaa", "a"), countof("aaa", "aa")', ['print_0', 'print_1'], [[3, 2]]], // plain matches overlap (countof docs: countof("aaaa", "aa") == 3)
    ['print round(2.98765, 3), round(2.15, 1), round(2.15), round(-50.55, -2), round(21.5, -1)', ['print_0', 'print_1', 'print_2', 'print_3', 'print_4'], [[2.988, 2.2, 2, -100, 20]]],
    ["print datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))", ['print_0'], [[17]]],
    ["print datetime_diff('month', datetime(2017-01-01), datetime(2015-12-30))", ['print_0'], [[13]]],
    ["print datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59:59))", ['print_0'], [[29]]],
    ["print datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59:59))", ['print_0'], [[2]]],
    ['print trim("--", "--https://bing.com--")', ['print_0'], [['https://bing.com']]],
    ["print replace_string('A magic trick can turn a cat into a dog', 'cat', 'hamster')", ['print_0'], [['A magic trick can turn a hamster into a dog']]],
    ['print array_length(dynamic([1, 2, 3, "four"]))', ['print_0'], [[4]]],
    ['print startofmonth(datetime(2017-01-01 10:10:17), -1), startofmonth(datetime(2017-01-01 10:10:17), 1)', ['print_0', 'print_1'], [['2016-12-01T00:00:00Z', '2017-02-01T00:00:00Z']]],
    ['print startofday(datetime(2017-01-01 10:10:17), -1)', ['print_0'], [['2016-12-31T00:00:00Z']]],
    ['print startofyear(datetime(2017-05-01 10:10:17))', ['print_0'], [['2017-01-01T00:00:00Z']]],
    ['print endofday(datetime(2017-01-01 10:10:17))', ['print_0'], [['2017-01-01T23:59:59.9999999Z']]],
    ['print parse_json(\'{"a": {"b": 2}}\').a.b', ['print_0'], [[2]]],
    ['print tolower("ABC"), toupper("abc"), strlen("hello")', ['print_0', 'print_1', 'print_2'], [['abc', 'ABC', 5]]],
    ['print iff(1 > 0, "yes", "no"), iif(false, 1, 2)', ['print_0', 'print_1'], [['yes', 2]]],
    ['print case(5 > 10, "big", 5 > 3, "medium", "small")', ['print_0'], [['medium']]],
    ['print coalesce(tolong("not a number"), tolong("42"), 33)', ['print_0'], [[42]]],
    ['print coalesce("", "x")', ['print_0'], [['x']]],
    ['print isempty(""), isnotempty("a"), isnull(long(null)), isnotnull(1)', ['print_0', 'print_1', 'print_2', 'print_3'], [[true, true, true, true]]],
    ['print tostring(123), toint("456"), tolong(1.9), todouble("1.5"), toreal(2)', ['print_0', 'print_1', 'print_2', 'print_3', 'print_4'], [['123', 456, 1, 1.5, 2]]],
    ['print abs(-5), pow(2, 10), sqrt(81), log10(1000)', ['print_0', 'print_1', 'print_2', 'print_3'], [[5, 1024, 9, 3]]],
    ['print todatetime("2015-12-24"), totimespan("0.00:01:00")', ['print_0', 'print_1'], [['2015-12-24T00:00:00Z', '00:01:00']]],
    ['print format_datetime(datetime(2017-01-29 09:00:05), "yy-MM-dd [HH:mm:ss]")', ['print_0'], [['17-01-29 [09:00:05]']]],
    ['print floor(-5.1, 1), floor(5, 2)', ['print_0', 'print_1'], [[-6, 4]]],
    ['print ago(1d), now(-2h)', ['print_0', 'print_1'], [['2023-12-31T00:00:00Z', '2023-12-31T22:00:00Z']]],
    ['print 1d + 2h, 1h * 2, 2h / 1h, datetime(2024-01-02) - datetime(2024-01-01)', ['print_0', 'print_1', 'print_2', 'print_3'], [['1.02:00:00', '02:00:00', 2, '1.00:00:00']]],
  ],
  'string operators': [
    ['print "North Carolina" has "carolina", "North Carolina" has "carol", "North Carolina" has_cs "carolina"', ['print_0', 'print_1', 'print_2'], [[true, false, false]]],
    ['print "North Carolina" contains "CAROL", "North Carolina" contains_cs "carol", "abc" !contains "x"', ['print_0', 'print_1', 'print_2'], [[true, false, true]]],
    ['print "Fabrikam" startswith "fab", "Fabrikam" endswith "KAM", "Fabrikam" startswith_cs "fab"', ['print_0', 'print_1', 'print_2'], [[true, true, false]]],
    ['print "abc" == "ABC", "abc" =~ "ABC", "abc" != "ABC", "abc" !~ "ABC"', ['print_0', 'print_1', 'print_2', 'print_3'], [[false, true, true, false]]],
    ['print "key_value" has "key", "key-value" !has "value"', ['print_0', 'print_1'], [[true, false]]],
    ['print "Lorem ipsum" matches regex "^L.*m$"', ['print_0'], [[true]]],
    ['print "abc" in ("abc", "d"), "ABC" in ("abc"), "ABC" in~ ("abc"), "x" !in ("a"), "x" !in~ ("X")', ['print_0', 'print_1', 'print_2', 'print_3', 'print_4'], [[true, false, true, true, false]]],
    ['print "the quick fox" has_any ("slow", "fox"), "the quick fox" has_all ("quick", "dog")', ['print_0', 'print_1'], [[true, false]]],
    ['print 5 between (1 .. 10), 5 !between (1 .. 3), datetime(2024-01-01 10:00) between (datetime(2024-01-01) .. 1d)', ['print_0', 'print_1', 'print_2'], [[true, true, true]]],
  ],
  'tabular operators': [
    ['range Steps from 1 to 8 step 3', ['Steps'], [[1], [4], [7]]],
    ['range LastWeek from ago(7d) to now() step 1d | count', ['Count'], [[8]]],
    ['datatable(Date:datetime, Event:string)[datetime(1910-06-11), "Born", datetime(1930-01-01), "Enters Ecole"] | where Event == "Born"', ['Date', 'Event'], [['1910-06-11T00:00:00Z', 'Born']]],
    ['datatable(A:int, B:string)[1, "x", 2, "y"] | extend C = A * 2 | project B, C', ['B', 'C'], [['x', 2], ['y', 4]]],
    ['datatable(A:long, B:long, C:long)[1, 2, 3] | project-away B', ['A', 'C'], [[1, 3]]],
    ['datatable(A:long, B:long, C:long)[1, 2, 3] | project-rename D = A', ['D', 'B', 'C'], [[1, 2, 3]]],
    ['datatable(A:long, B:long, C:long)[1, 2, 3] | project-reorder C, A', ['C', 'A', 'B'], [[3, 1, 2]]],
    ['datatable(A:long, B:long, C:long)[1, 2, 3] | project-keep A, C', ['A', 'C'], [[1, 3]]],
    ['datatable(x:long)[3, 1, 2] | sort by x', ['x'], [[3], [2], [1]]],
    ['datatable(x:long)[3, 1, long(null), 2] | order by x asc', ['x'], [[null], [1], [2], [3]]],
    ['datatable(x:long)[3, 1, 2, 5] | top 2 by x', ['x'], [[5], [3]]],
    ['datatable(x:long)[3, 1, 2] | take 2 | count', ['Count'], [[2]]],
    ['datatable(x:long)[3, 1, 2] | limit 1 | count', ['Count'], [[1]]],
    ['datatable(x:string, y:long)["a", 1, "b", 2, "a", 3] | distinct x', ['x'], [['a'], ['b']]],
    ['datatable(x:string, y:long)["a", 1, "b", 2, "a", 3] | summarize count(), sum(y), avg(y), min(y), max(y) by x', ['x', 'count_', 'sum_y', 'avg_y', 'min_y', 'max_y'], [['a', 2, 4, 2, 1, 3], ['b', 1, 2, 2, 2, 2]]],
    ['datatable(x:string, y:long)["a", 1, "b", 2, "a", 3] | summarize countif(y > 1), dcount(x), sumif(y, x == "a"), avgif(y, x == "a")', ['countif_', 'dcount_x', 'sumif_y', 'avgif_y'], [[2, 2, 4, 2]]],
    ['datatable(x:string, y:long)["a", 1, "b", 2, "a", 3] | summarize make_list(y), make_set(x)', ['list_y', 'set_x'], [[[1, 2, 3], ['a', 'b']]]],
    ['datatable(x:string, y:long)["a", 1, "b", 2, "a", 3] | summarize arg_max(y, x), arg_min(y, *)', ['y', 'x', 'y1', 'x1'], [[3, 'a', 1, 'a']]],
    ['datatable(x:string)[] | summarize count()', ['count_'], [[0]]],
    ['range x from 1 to 100 step 1 | summarize percentile(x, 50), percentiles(x, 5, 95)', ['percentile_x_50', 'percentile_x_5', 'percentile_x_95'], [[50, 5, 95]]],
    ['datatable(t:datetime, n:long)[datetime(2024-01-01 00:02), 1, datetime(2024-01-01 00:07), 2, datetime(2024-01-01 00:03), 3] | summarize sum(n) by bin(t, 5m)', ['t', 'sum_n'], [['2024-01-01T00:00:00Z', 4], ['2024-01-01T00:05:00Z', 2]]],
    ['print x = 1 | union (print x = 2) | count', ['Count'], [[2]]],
    ['datatable(a:long)[1] | union (datatable(b:string)["x"])', ['a', 'b'], [[1, ''], [null, 'x']]],
    ['let T = datatable(k:long, v:string)[1, "a", 2, "b"]; let n = 1; T | where k > n', ['k', 'v'], [[2, 'b']]],
    ['print x = toscalar(datatable(a:long)[5, 6] | summarize max(a))', ['x'], [[6]]],
    ['print d = dynamic([1, 2, 3]) | mv-expand d to typeof(long)', ['d'], [[1], [2], [3]]],
    ['datatable(a:long, b:dynamic)[1, dynamic(["x", "y"])] | mv-expand with_itemindex=i b', ['a', 'b', 'i'], [[1, 'x', 0], [1, 'y', 1]]],
    ['print s = "name=alice; age=30" | parse s with "name=" name "; age=" age:long', ['s', 'name', 'age'], [['name=alice; age=30', 'alice', 30]]],
    ['datatable(s:string)["The quick fox", "jumps over"] | search "quick"', ['s'], [['The quick fox']]],
    ['datatable(x:long)[1, 2] | render timechart', ['x'], [[1], [2]]],
    ['datatable(x:long)[1, 2, 3] | serialize | extend rn = row_number()', ['x', 'rn'], [[1, 1], [2, 2], [3, 3]]],
  ],
  joins: [
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join Y on Key | order by Value2 asc', ['Key', 'Value1', 'Key1', 'Value2'], [['b', 2, 'b', 10], ['c', 4, 'c', 20], ['c', 4, 'c', 30]]],
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join kind=inner Y on Key | count', ['Count'], [[4]]],
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join kind=leftouter Y on Key | count', ['Count'], [[5]]],
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join kind=fullouter Y on Key | count', ['Count'], [[6]]],
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join kind=leftanti Y on Key', ['Key', 'Value1'], [['a', 1]]],
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join kind=rightanti Y on Key', ['Key', 'Value2'], [['d', 40]]],
    ['let X = datatable(Key:string, Value1:long)["a", 1, "b", 2, "b", 3, "c", 4]; let Y = datatable(Key:string, Value2:long)["b", 10, "c", 20, "c", 30, "d", 40]; X | join kind=leftsemi Y on Key', ['Key', 'Value1'], [['b', 2], ['b', 3], ['c', 4]]],
    ['datatable(a:long, b:string)[1, "x", 2, "y"] | lookup (datatable(a:long, c:string)[1, "p"]) on a', ['a', 'b', 'c'], [[1, 'x', 'p'], [2, 'y', '']]],
    ['datatable(a:long)[1, 2] | join kind=inner (datatable(k:long, c:string)[2, "z"]) on $left.a == $right.k', ['a', 'k', 'c'], [[2, 2, 'z']]],
  ],
};

for (const [group, list] of Object.entries(cases)) {
  describe(group, () => {
    test.each(list)('%s', async (query, columns, rows) => {
      const result = await run(query);
      expect(result.columns).toEqual(columns);
      expect(result.rows).toEqual(rows);
    });
  });
}
