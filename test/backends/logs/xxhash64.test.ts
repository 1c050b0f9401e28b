/** XXH64 as KQL's hash() uses it, exact to the bit (the conformance suite compares longs as JSON numbers, i.e. doubles). */
import { hashDateTime, hashLong, hashText, xxhash64 } from '../../../backends/logs/kql/runtime/xxhash64';

test('the reference examples of hash() and hash_xxhash64()', () => {
  expect(hashText('World')).toBe(1846988464401551951n);
  expect(hashText('Hello')).toBe(753694413698530628n);
  // datetime(2015-01-01): the store counts ticks from 1970, Kusto from 0001-01-01.
  expect(hashDateTime(14_200_704_000_000_000n)).toBe(1380966698541616202n);
  expect(hashLong(635_556_672_000_000_000n)).toBe(1380966698541616202n);
});

test('XXH64 test vectors: empty input, the 4- and 1-byte tails, and the 32-byte stripes', () => {
  const unsigned = (b: Uint8Array) => BigInt.asUintN(64, xxhash64(b));
  expect(unsigned(new Uint8Array())).toBe(0xef46db3751d8e999n);
  expect(unsigned(Buffer.from('abc'))).toBe(0x44bc2cf5ad770999n);
  expect(unsigned(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xfbcea83c8a378bf1n);
});
