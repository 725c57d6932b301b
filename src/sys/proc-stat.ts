/**
 * Fields of /proc/<pid>/stat, read without koffi. The start time (field 22,
 * clock ticks since boot) is what tells a process from a later one that
 * reuses its pid: berth stores it beside every pid it keeps.
 */
import * as fs from 'node:fs';

/** Start time of a process in clock ticks since boot, or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}
