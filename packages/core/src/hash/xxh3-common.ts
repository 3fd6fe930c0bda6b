import { mulHigh32 } from './u64.ts';

/** What the XXH3 paths share: the default secret, xxHash's primes, and the final mix. */

const SECRET_HEX =
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221' +
  'b8084674f743248ee03590e6813a264c3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8' +
  'a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364eac5ac8334d3ebc3c581a0fffa1363eb' +
  '170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e';

/** The reference's `XXH3_kSecret`, 192 bytes. */
export const K_SECRET: Uint8Array = new Uint8Array(192);
for (let i = 0; i < 192; i++) K_SECRET[i] = parseInt(SECRET_HEX.slice(2 * i, 2 * i + 2), 16);

// PRIME64_1..5 and PRIME32_1..3 of xxHash, and XXH3's PRIME_MX1, as high and low halves.
export const P64_1H = 0x9e3779b1;
export const P64_1L = 0x85ebca87;
export const P64_2H = 0xc2b2ae3d;
export const P64_2L = 0x27d4eb4f;
export const P64_3H = 0x165667b1;
export const P64_3L = 0x9e3779f9;
export const P64_4H = 0x85ebca77;
export const P64_4L = 0xc2b2ae63;
export const P64_5H = 0x27d4eb2f;
export const P64_5L = 0x165667c5;
export const P32_1 = 0x9e3779b1;
export const P32_2 = 0x85ebca77;
export const P32_3 = 0xc2b2ae3d;
export const MX1H = 0x16566791;
export const MX1L = 0x9e3779f9;

/** `XXH3_avalanche`: h ^= h >> 37; h *= PRIME_MX1; h ^= h >> 32. Writes `out` (low, high). */
export function avalanche(h: number, l: number, out: Uint32Array): void {
  l ^= h >>> 5;
  const ph = (mulHigh32(l, MX1L) + Math.imul(l, MX1H) + Math.imul(h, MX1L)) | 0;
  out[0] = Math.imul(l, MX1L) ^ ph;
  out[1] = ph;
}

