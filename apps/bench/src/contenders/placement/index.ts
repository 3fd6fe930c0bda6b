import { consistentHashContender } from './consistent-hash.ts';
import type { PlacementContender } from './contract.ts';
import { hashringContender } from './hashring.ts';
import { jumpMementoRemovedContender } from './jump-memento-removed.ts';
import { jumpMementoContender } from './jump-memento.ts';
import { jumpContender } from './jump.ts';
import { ketamaContender } from './ketama.ts';
import { maglevContender } from './maglev.ts';
import { moduloContender } from './modulo.ts';
import { rendezvousSkeletonContender } from './rendezvous-skeleton.ts';
import { rendezvousContender } from './rendezvous.ts';
import { ringKetamaContender } from './ring-ketama.ts';
import { ringContender } from './ring.ts';
import { slotsContender } from './slots.ts';

export type { BuiltPlacement, Locator, PlacementContender } from './contract.ts';

/** Every contender of the algorithms suite, in table order; `hashring` is the speed reference. */
export const placementContenders: readonly PlacementContender[] = [
  ringContender,
  ringKetamaContender,
  jumpContender,
  jumpMementoContender,
  jumpMementoRemovedContender,
  rendezvousContender,
  rendezvousSkeletonContender,
  maglevContender,
  slotsContender,
  moduloContender,
  hashringContender,
  consistentHashContender,
  ketamaContender,
];

export const REFERENCE_CONTENDER = hashringContender.name;
