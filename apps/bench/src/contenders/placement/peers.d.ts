// The npm peers ship no types (ketama does); only what the contenders call is declared.
declare module 'hashring' {
  class HashRing {
    constructor(servers: readonly string[], algorithm?: string, options?: Record<string, unknown>);
    get(key: string): string | undefined;
    add(servers: string | readonly string[]): this;
    remove(server: string): this;
  }
  export = HashRing;
}

declare module 'consistent-hash' {
  class ConsistentHash {
    constructor(options?: { range?: number; weight?: number; distribution?: 'random' | 'uniform' });
    add(node: string, weight?: number): this;
    remove(node: string): this;
    get(key: string): string | null;
  }
  export = ConsistentHash;
}
