import type { Locator, PlacementContender } from '../../contenders/placement/index.ts';
import { nodeIds } from '../../keys.ts';
import { AgreementError } from '../../suite.ts';

function owners(lookup: Locator, keys: readonly string[]): string[] {
  return keys.map((key) => lookup.locate(key));
}

function mismatches(a: readonly string[], b: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

/** The placements a group compares: as built, after adding a node, after removing the last one. */
function states(contender: PlacementContender, nodes: readonly string[], keys: readonly string[]): Record<string, string[]> {
  const extra = `node-${nodes.length}`;
  return {
    built: owners(contender.build(nodes).lookup, keys),
    [`+${extra}`]: owners(contender.build(nodes).add(extra).lookup, keys),
    [`-${nodes.at(-1)!}`]: owners(contender.build(nodes).remove(nodes.at(-1)!).lookup, keys),
  };
}

/**
 * Checks, before anything is timed, that every contender answers with one of its nodes, that a
 * deterministic one answers the same after a rebuild, and that contenders sharing a `sameAs`
 * tag place every sampled key on the same node, as built and after an add and a remove.
 * Returns one line per check for the report; throws AgreementError listing every failure.
 */
export function checkAgreement(contenders: readonly PlacementContender[], nodeCounts: readonly number[], keys: readonly string[]): string[] {
  const failures: string[] = [];
  const groups = new Map<string, PlacementContender[]>();
  for (const contender of contenders) {
    if (contender.sameAs !== undefined) groups.set(contender.sameAs, [...(groups.get(contender.sameAs) ?? []), contender]);
  }
  for (const n of nodeCounts) {
    const nodes = nodeIds(n);
    const known = new Set(nodes);
    for (const contender of contenders) {
      if (contender.skip?.(n) !== undefined) continue;
      const first = owners(contender.build(nodes).lookup, keys);
      const stray = first.find((owner) => !known.has(owner));
      if (stray !== undefined) failures.push(`${contender.name} at N=${n} answered ${JSON.stringify(stray)}, not one of its nodes`);
      if (contender.deterministic) {
        const again = mismatches(first, owners(contender.build(nodes).lookup, keys));
        if (again > 0) failures.push(`${contender.name} at N=${n}: a rebuild placed ${again} of ${keys.length} keys elsewhere`);
      }
    }
  }
  const lines: string[] = [];
  for (const [tag, members] of groups) {
    if (members.length < 2) continue;
    const [reference, ...others] = members as [PlacementContender, ...PlacementContender[]];
    for (const n of nodeCounts) {
      if (members.some((member) => member.skip?.(n) !== undefined)) continue;
      const expected = states(reference, nodeIds(n), keys);
      for (const other of others) {
        const actual = states(other, nodeIds(n), keys);
        for (const [state, list] of Object.entries(expected)) {
          const wrong = mismatches(list, actual[state]!);
          if (wrong > 0) failures.push(`${other.name} disagrees with ${reference.name} (${tag}) at N=${n}, ${state}: ${wrong} of ${keys.length} keys`);
        }
      }
    }
    lines.push(
      `${members.map((member) => member.name).join(' = ')}: same node for all ${keys.length.toLocaleString('en-US')} sampled keys at N = ${nodeCounts.join(', ')}, as built, after adding a node and after removing the last one.`,
    );
  }
  if (failures.length > 0) throw new AgreementError(`contenders disagree; nothing was timed:\n  ${failures.join('\n  ')}`);
  return lines;
}
