/** A string that sorts naturally as plain text: digit runs are zero-padded to 12; the string itself breaks ties. */
export function naturalSortKey(text: string): string {
  return `${text.toLowerCase().replace(/\d+/g, (run) => run.replace(/^0+(?=\d)/, '').padStart(12, '0'))}\u0000${text}`;
}

/** device-2 before device-10. */
export function naturalCompare(a: string, b: string): number {
  const [x, y] = [naturalSortKey(a), naturalSortKey(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
