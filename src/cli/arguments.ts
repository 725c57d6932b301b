/**
 * A verb's arguments, declared once as names: `<container> <name>` (required),
 * `[repository]` (optional), `<containers..>` / `[command..]` (the rest, at
 * least one / any number). The same declaration names the values the verb
 * receives and gives Docker's rule on how many there may be (cli/required.go):
 *
 *   no names                      NoArgs                `'berth ps' accepts no arguments`
 *   only required, no rest        ExactArgs(n)          `'berth rename' requires 2 arguments`
 *   required then a rest          RequiresMinArgs(n)    `'berth exec' requires at least 2 arguments`
 *   only optional                 RequiresMaxArgs(n)    `'berth images' requires at most 1 argument`
 *   required then optional        RequiresRangeArgs     `... requires at least 1 and at most 2 arguments`
 */

interface ArgumentName {
  name: string;
  required: boolean;
  rest: boolean;
}

export interface ArgumentRule {
  names: ArgumentName[];
  min: number;
  /** undefined: no limit. */
  max?: number;
}

export function argumentRule(spec: string | undefined): ArgumentRule {
  const names = (spec ?? '').split(/\s+/).filter(Boolean).map((word) => {
    const match = /^([<[])([A-Za-z][\w-]*)(\.\.)?([>\]])$/.exec(word);
    if (!match || (match[1] === '<') !== (match[4] === '>')) throw new Error(`verb arguments: \`${spec}\`: bad word \`${word}\``);
    return { name: match[2], required: match[1] === '<', rest: match[3] !== undefined };
  });
  const min = names.filter((n) => n.required).length;
  const max = names.some((n) => n.rest) ? undefined : names.length;
  return { names, min, max };
}

function plural(n: number): string {
  return n === 1 ? 'argument' : 'arguments';
}

/** Docker's complaint (without the usage lines) when `count` arguments break the rule; undefined when they do not. */
export function argumentCountError(rule: ArgumentRule, count: number, commandPath: string): { message: string; see: 'See' | 'Run' } | undefined {
  const { min, max } = rule;
  if (count >= min && (max === undefined || count <= max)) return undefined;
  const who = `'${commandPath}'`;
  if (max === 0) return { message: `${who} accepts no arguments`, see: 'Run' };
  if (max === undefined) return { message: `${who} requires at least ${min} ${plural(min)}`, see: 'See' };
  if (min === max) return { message: `${who} requires ${min} ${plural(min)}`, see: 'Run' };
  if (min === 0) return { message: `${who} requires at most ${max} ${plural(max)}`, see: 'Run' };
  return { message: `${who} requires at least ${min} and at most ${max} ${plural(max)}`, see: 'Run' };
}

/** The arguments by name: a rest name gets a (possibly empty) array, a missing optional one undefined. */
export function bindArguments(rule: ArgumentRule, args: readonly string[]): Record<string, string | string[] | undefined> {
  const bound: Record<string, string | string[] | undefined> = {};
  let at = 0;
  for (const { name, rest } of rule.names) {
    if (rest) {
      bound[name] = args.slice(at);
      at = args.length;
    } else {
      bound[name] = args[at++];
    }
  }
  return bound;
}
