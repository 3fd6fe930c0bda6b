import { createClient } from 'redis';
import type { ClientContender } from './contract.ts';

// node-redis writes every command issued in one tick together: it is always "auto-pipelined".
export const nodeRedisContender: ClientContender = {
  name: 'node-redis',
  target: 'single',
  pipelining: 'auto',
  async connect({ single }) {
    const client = createClient({ url: single.url });
    await client.connect();
    return { get: (key) => client.get(key), set: (key, value) => client.set(key, value), close: async () => void (await client.quit()) };
  },
};
