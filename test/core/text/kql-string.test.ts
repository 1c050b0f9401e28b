import { kqlString } from '../../../core/text/kql-string';

describe('kqlString', () => {
  test('quotes a value as a KQL literal: backslash, quote and line breaks escaped', () => {
    expect(kqlString('device-42')).toBe("'device-42'");
    expect(kqlString("it's")).toBe("'it\\'s'");
    expect(kqlString('C:\\logs')).toBe("'C:\\\\logs'");
    expect(kqlString('line 1\nline 2\r\n\tend')).toBe("'line 1\\nline 2\\r\\n\\tend'");
  });

  test('the literal holds no raw line break, and nothing after it closes the quote early', () => {
    const nasty = "x' | take 1\n| where 1 == 1 //\\";
    const literal = kqlString(nasty);
    expect(literal).not.toMatch(/[\n\r]/);
    // Unescape as KQL does: what comes back is the value.
    const back = literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
    expect(back).toBe(nasty);
  });
});
