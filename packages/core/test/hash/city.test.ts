import { beforeAll, describe, expect, it } from 'vitest';
import { city32, city32Hasher } from '../../src/hash/city32.ts';
import { city64, city64Hasher } from '../../src/hash/city64.ts';
import { CITY_TEST_ROWS } from './fixtures/city-test-vectors.ts';
import { hex64 } from './support.ts';

/**
 * `setup()` of src/city-test.cc in github.com/google/cityhash (release 1.1.1): 1 MiB of
 * pseudorandom bytes, in 64-bit arithmetic (BigInt here: this is the test, not the hot path).
 */
function cityTestData(): Uint8Array {
  const mask = 0xffffffffffffffffn;
  const k0 = 0xc3a5c85c97cb3127n;
  const data = new Uint8Array(1 << 20);
  let a = 9n;
  let b = 777n;
  for (let i = 0; i < data.length; i++) {
    a = (a + b) & mask;
    b = (b + a) & mask;
    a = ((a ^ (a >> 41n)) * k0) & mask;
    b = (((b ^ (b >> 41n)) * k0) + BigInt(i)) & mask;
    data[i] = Number((b >> 37n) & 0xffn);
  }
  return data;
}

/** Row i of Google's table hashes data[i·i, i·i + i); the last row hashes all of data. */
function rowInput(data: Uint8Array, row: number): Uint8Array {
  return row === CITY_TEST_ROWS.length - 1 ? data : data.subarray(row * row, row * row + row);
}

describe('CityHash 1.1.1 against Google city-test.cc', () => {
  let data: Uint8Array;
  beforeAll(() => {
    data = cityTestData();
  });
  const rows = CITY_TEST_ROWS.map(([expected64, expected32], row) => ({ row, expected64, expected32 }));

  it.each(rows)('row $row: CityHash64 = $expected64, CityHash32 = $expected32', ({ row, expected64, expected32 }) => {
    const input = rowInput(data, row);
    const out = new Uint32Array(2);
    city64(input, input.length, out);
    expect(hex64(out)).toBe(expected64);
    expect(city32(input, input.length).toString(16).padStart(8, '0')).toBe(expected32);
  });

  it('reads only bytes[0, length) of a longer buffer', () => {
    const out = new Uint32Array(2);
    for (const row of [0, 3, 10, 20, 40, 70, 150]) {
      const input = rowInput(data, row);
      const longer = data.subarray(row * row, row * row + row + 100);
      city64(longer, input.length, out);
      expect(hex64(out)).toBe(CITY_TEST_ROWS[row]![0]);
      expect(city32(longer, input.length).toString(16).padStart(8, '0')).toBe(CITY_TEST_ROWS[row]![1]);
    }
  });

  it('city64 hasher: hash32 is the low half of CityHash64; city32 hasher: hash64 is { city32, 0 }', () => {
    const input = rowInput(data, 40);
    const out = new Uint32Array(2);
    city64Hasher.hash64(input, input.length, out);
    expect(city64Hasher.hash32(input, input.length)).toBe(out[0]);
    city32Hasher.hash64(input, input.length, out);
    expect([...out]).toEqual([parseInt(CITY_TEST_ROWS[40]![1], 16), 0]);
  });
});
