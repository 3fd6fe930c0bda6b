import xxhash from 'xxhash-wasm';
import { hex64, type HashContender } from './contract.ts';

export const xxhashWasmContender: HashContender = {
  name: 'xxhash-wasm h64',
  origin: 'WebAssembly',
  output: 'xxh64',
  async load() {
    const { h64, h64Raw } = await xxhash();
    return {
      bytes: (input) => h64Raw(input),
      key: (key) => h64(key),
      digest: (input) => hex64(h64Raw(input)),
    };
  },
};
