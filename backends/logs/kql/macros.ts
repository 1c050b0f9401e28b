/**
 * SQL macros the generated queries call: KQL's string forms of datetime, timespan,
 * real and dynamic, and its parsing rules. Created once per DuckDB connection. They
 * are fixed text written here, never built from a query.
 */
export const KQL_MACROS: readonly string[] = [
  // Floor to a multiple of s (s > 0). The common non-negative case is one remainder; negatives round down too.
  `CREATE OR REPLACE MACRO kql_floor(v, s) AS CASE WHEN v >= 0 THEN v - v % s ELSE v - (((v % s) + s) % s) END`,
  // Long arithmetic wraps around in two's complement, as Kusto's does (9223372036854775807 + 1 is
  // -9223372036854775808): the exact result (a HUGEINT) reduced to its low 64 bits.
  `CREATE OR REPLACE MACRO kql_wrap64(h) AS CAST(((CAST(h AS HUGEINT) + CAST(9223372036854775808 AS HUGEINT)) & CAST(18446744073709551615 AS HUGEINT)) - CAST(9223372036854775808 AS HUGEINT) AS BIGINT)`,
  // Great-circle distance in meters on Kusto's sphere (radius 6,371,010 m: the reference's
  // geo_distance_2points example, Seattle–Los Angeles 1546754.35197381 m, comes out to the digit);
  // null when a coordinate is outside [-180, 180] x [-90, 90].
  `CREATE OR REPLACE MACRO kql_geo_distance(lon1, lat1, lon2, lat2) AS
     CASE WHEN lon1 BETWEEN -180 AND 180 AND lat1 BETWEEN -90 AND 90 AND lon2 BETWEEN -180 AND 180 AND lat2 BETWEEN -90 AND 90 THEN
       2 * 6371010.0 * asin(least(1.0, sqrt(pow(sin(radians(lat2 - lat1) / 2), 2) + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2))))
     END`,
  `CREATE OR REPLACE MACRO kql_frac(t) AS (((t % 10000000) + 10000000) % 10000000)`,
  `CREATE OR REPLACE MACRO kql_ts_of(t) AS make_timestamp(CAST(kql_floor(t, 10) // 10 AS BIGINT))`,
  `CREATE OR REPLACE MACRO kql_dt_str(t) AS strftime(make_timestamp(CAST((t - kql_frac(t)) // 10 AS BIGINT)), '%Y-%m-%dT%H:%M:%S')
     || '.' || lpad(CAST(kql_frac(t) AS VARCHAR), 7, '0') || 'Z'`,
  `CREATE OR REPLACE MACRO kql_ts_str(t) AS
     CASE WHEN t IS NULL THEN NULL ELSE
       (CASE WHEN t < 0 THEN '-' ELSE '' END)
       || (CASE WHEN abs(t) >= 864000000000 THEN CAST(abs(t) // 864000000000 AS VARCHAR) || '.' ELSE '' END)
       || lpad(CAST((abs(t) // 36000000000) % 24 AS VARCHAR), 2, '0') || ':'
       || lpad(CAST((abs(t) // 600000000) % 60 AS VARCHAR), 2, '0') || ':'
       || lpad(CAST((abs(t) // 10000000) % 60 AS VARCHAR), 2, '0')
       || (CASE WHEN abs(t) % 10000000 = 0 THEN '' ELSE '.' || lpad(CAST(abs(t) % 10000000 AS VARCHAR), 7, '0') END)
     END`,
  `CREATE OR REPLACE MACRO kql_real_str(x) AS kql_js_real_str(x)`,
  `CREATE OR REPLACE MACRO kql_json_str(j) AS
     CASE WHEN j IS NULL OR json_type(j) = 'NULL' THEN NULL WHEN json_type(j) = 'VARCHAR' THEN json_extract_string(j, '$') ELSE CAST(j AS VARCHAR) END`,
  // Valid JSON is re-serialized (json() minifies): tostring(parse_json(' [ 1 , 2 ] ')) is Kusto's '[1,2]'.
  `CREATE OR REPLACE MACRO kql_parse_json(s) AS
     CASE WHEN s IS NULL THEN NULL WHEN json_valid(s) THEN json(s) ELSE to_json(s) END`,
  `CREATE OR REPLACE MACRO kql_parse_dt(s) AS kql_js_todatetime(s)`,
  `CREATE OR REPLACE MACRO kql_parse_ts(s) AS
     CASE WHEN regexp_full_match(trim(s), '-?(\\d+\\.)?\\d{1,2}:\\d{1,2}(:\\d{1,2}(\\.\\d{1,7})?)?') THEN
       (CASE WHEN starts_with(trim(s), '-') THEN -1 ELSE 1 END) * (
         coalesce(TRY_CAST(regexp_extract(trim(s), '^-?(\\d+)\\.\\d', 1) AS BIGINT), 0) * 864000000000
         + CAST(regexp_extract(trim(s), '(\\d{1,2}):\\d{1,2}', 1) AS BIGINT) * 36000000000
         + CAST(regexp_extract(trim(s), '\\d{1,2}:(\\d{1,2})', 1) AS BIGINT) * 600000000
         + coalesce(TRY_CAST(regexp_extract(trim(s), '\\d{1,2}:\\d{1,2}:(\\d{1,2})', 1) AS BIGINT), 0) * 10000000
         + coalesce(TRY_CAST(rpad(regexp_extract(trim(s), ':\\d{1,2}\\.(\\d{1,7})$', 1), 7, '0') AS BIGINT), 0))
     END`,
  `CREATE OR REPLACE MACRO kql_has(s, pattern) AS regexp_matches(coalesce(s, ''), pattern)`,
  `CREATE OR REPLACE MACRO kql_term_pattern(term, cs) AS
     (CASE WHEN cs THEN '' ELSE '(?i)' END) || '(^|[^[:alnum:]])' || regexp_escape(term) || '($|[^[:alnum:]])'`,
];
