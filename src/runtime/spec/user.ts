/**
 * `--user` / image USER resolved against the container's own /etc/passwd
 * and /etc/group, with Docker's rules (moby/sys/user GetExecUser plus
 * moby's getUser and runc's HOME default):
 *   ""            uid 0 (root's passwd entry, if any, gives gid, home, groups)
 *   name | uid    looked up in passwd; a numeric uid without entry is fine (gid 0, home /)
 *   x:group|gid   explicit primary group; then no supplementary groups from /etc/group
 * Supplementary groups are the /etc/group entries listing the user by name.
 * The result's additionalGids start with the primary gid, as Docker's do.
 */
import { NotFoundError, UsageError } from '../../errors/kinds';
import type { Spec } from './types';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;

/** Go's Atoi for the numeric fields of passwd/group: bad numbers read as 0, as moby/sys/user does. */
function fieldNumber(text: string | undefined): number {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return 0;
  return Number(text);
}

function parsePasswd(content: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const f = line.split(':');
    entries.push({ name: f[0], uid: fieldNumber(f[2]), gid: fieldNumber(f[3]), home: f[5] ?? '' });
  }
  return entries;
}

function parseGroup(content: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    entries.push({ name: f[0], gid: fieldNumber(f[2]), members: f[3] ? f[3].split(',') : [] });
  }
  return entries;
}

type IdArg = { name: string; numeric: false } | { name: string; numeric: true; id: number };

function parseIdArg(text: string): IdArg | undefined {
  if (text === '') return undefined;
  if (!/^[+-]?\d+$/.test(text)) return { name: text, numeric: false };
  const id = Number(text);
  if (id < 0 || id > MAX_ID) throw new UsageError(`uids and gids must be in range 0-${MAX_ID}`, { exitCode: 125 });
  return { name: text, numeric: true, id };
}

/**
 * Resolve a user spec. `passwd` and `group` are the files' contents, or
 * undefined when the container has no such file.
 */
export function resolveUser(
  spec: string,
  passwd: string | undefined,
  group: string | undefined,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  const colon = spec.indexOf(':');
  const userArg = parseIdArg(colon < 0 ? spec : spec.slice(0, colon));
  const groupArg = parseIdArg(colon < 0 ? '' : spec.slice(colon + 1));
  const users = passwd === undefined ? [] : parsePasswd(passwd);
  const groups = group === undefined ? [] : parseGroup(group);

  const match = users.find((u) => {
    if (userArg === undefined) return u.uid === 0;
    return userArg.numeric ? u.uid === userArg.id : u.name === userArg.name;
  });
  let uid = 0;
  let gid = 0;
  let home = '/';
  if (match) {
    ({ uid, gid } = match);
    home = match.home || '/';
  } else if (userArg !== undefined) {
    if (!userArg.numeric) {
      throw new NotFoundError(`unable to find user ${userArg.name}: no matching entries in passwd file`, { exitCode: 125 });
    }
    uid = userArg.id;
  }

  let supplementary: number[] = [];
  if (groupArg !== undefined) {
    const found = groups.find((g) => (groupArg.numeric ? g.gid === groupArg.id : g.name === groupArg.name));
    if (found) gid = found.gid;
    else if (groupArg.numeric) gid = groupArg.id;
    else throw new NotFoundError(`unable to find group ${groupArg.name}: no matching entries in group file`, { exitCode: 125 });
  } else if (match) {
    supplementary = groups.filter((g) => g.members.includes(match.name)).map((g) => g.gid);
  }

  for (const extra of groupAdd) {
    const arg = parseIdArg(extra);
    if (arg === undefined) continue;
    const found = groups.find((g) => (arg.numeric ? g.gid === arg.id : g.name === arg.name));
    if (found) supplementary.push(found.gid);
    else if (arg.numeric) supplementary.push(arg.id);
    else throw new NotFoundError(`unable to find group ${arg.name}: no matching entries in group file`, { exitCode: 125 });
  }
  return { uid, gid, additionalGids: [gid, ...supplementary], home };
}

/** Puts a resolved user into a spec, and HOME from passwd when the environment has none. */
export function applyUser(spec: Spec, user: ResolvedUser): void {
  spec.process.user = { ...spec.process.user, uid: user.uid, gid: user.gid, additionalGids: user.additionalGids };
  // runc's rule: an empty HOME counts as unset.
  const env = spec.process.env.filter((e) => e !== 'HOME=');
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home}`);
  spec.process.env = env;
}
