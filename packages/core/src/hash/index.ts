// The hash area's public surface. Internal modules (u64, xxh3-common, xxh3-long, city64-short)
// stay unexported.
export type { Hasher } from './hasher.ts';
export { KeyHasher } from './key-hasher.ts';
export { DEFAULT_HASH, builtinHashNames, isKeyedHash, resolveHasher } from './registry.ts';
export type { ResolveHasherOptions } from './registry.ts';
export { city32, city32Hasher } from './city32.ts';
export { city64, city64Hasher } from './city64.ts';
export { crc16, crc16Hasher } from './crc16.ts';
export { crc32, crc32Hasher } from './crc32.ts';
export { fnv1a32, fnv1a64, fnv1aHasher } from './fnv1a.ts';
export { md5, md5Hasher } from './md5.ts';
export { murmur3Hasher, murmur3x64_128, murmur3x86_32 } from './murmur3.ts';
export { sha1, sha1Hasher } from './sha1.ts';
export { sipHash13, sipHash24 } from './siphash.ts';
export { xxh3, xxh3Hasher } from './xxh3.ts';
export { xxhash64, xxhash64Hasher } from './xxhash64.ts';
