// Reference implementations used only by the tests; they ship no types.
declare module 'murmurhash3js-revisited' {
  const murmur: {
    x86: { hash32(bytes: Uint8Array, seed?: number): number };
    /** h1 then h2, each as 16 hex digits. */
    x64: { hash128(bytes: Uint8Array, seed?: number): string };
  };
  export default murmur;
}

declare module 'siphash' {
  /** `key`: four 32-bit words, little-endian from the 16 key bytes. */
  export function hash(key: Uint32Array, message: Uint8Array): { h: number; l: number };
}

