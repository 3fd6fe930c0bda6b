import type { HashContender, HashFunctions } from '../../contenders/hashes/index.ts';
import { AgreementError } from '../../suite.ts';
import { CHECK_LENGTHS, randomInputs } from './inputs.ts';

/**
 * Before timing: contenders with the same `output` must give the same digest for inputs of every
 * length from 0 to 260 bytes (and the timed lengths). Throws AgreementError listing each mismatch.
 */
export function checkHashAgreement(contenders: readonly HashContender[], loaded: ReadonlyMap<string, HashFunctions>, lengths: readonly number[]): string[] {
  const groups = new Map<string, HashContender[]>();
  for (const contender of contenders) groups.set(contender.output, [...(groups.get(contender.output) ?? []), contender]);
  const inputs = [...new Set([...CHECK_LENGTHS, ...lengths])].flatMap((length) => randomInputs(length, 4, 7919 * (length + 1)));
  const failures: string[] = [];
  const lines: string[] = [];
  for (const [output, members] of groups) {
    if (members.length < 2) continue;
    const [reference, ...others] = members as [HashContender, ...HashContender[]];
    const expected = inputs.map((input) => loaded.get(reference.name)!.digest(input));
    for (const other of others) {
      const fns = loaded.get(other.name)!;
      const wrong = inputs.filter((input, i) => fns.digest(input) !== expected[i]);
      if (wrong.length > 0) {
        failures.push(`${other.name} ≠ ${reference.name} (${output}) on ${wrong.length} of ${inputs.length} inputs, first at length ${wrong[0]!.length}`);
      }
    }
    lines.push(`${members.map((m) => m.name).join(' = ')} (${output}) on ${inputs.length} inputs of 0–260 bytes and the timed lengths.`);
  }
  if (failures.length > 0) throw new AgreementError(`hashes disagree; nothing was timed:\n  ${failures.join('\n  ')}`);
  return lines;
}
