// Core runs wherever JavaScript does, so it sees neither DOM nor Node types; these two globals
// exist in every runtime we support (Node ≥ 11, browsers, Deno, Bun, workers).
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
