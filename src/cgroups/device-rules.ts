/** Checks and text forms of device rules, shared by v1 (files) and v2 (eBPF). */
import type { DeviceRule } from './manager';
import { CgroupError } from './files';

export function describeDeviceRule(rule: DeviceRule): string {
  const verdict = rule.allow ? 'allow' : 'deny';
  return `${verdict} ${rule.type} ${rule.major}:${rule.minor} ${rule.access}`;
}

export function validateDeviceRule(rule: DeviceRule): void {
  const badNumber = (n: number | '*'): boolean => n !== '*' && !(Number.isInteger(n) && n >= 0 && n <= 0x7fffffff);
  const problem = !['a', 'b', 'c'].includes(rule.type)
    ? 'type must be `a`, `b` or `c`'
    : badNumber(rule.major) || badNumber(rule.minor)
      ? 'major and minor must be `*` or a number from 0 to 2147483647'
      : !/^[rwm]{1,3}$/.test(rule.access) || new Set(rule.access).size !== rule.access.length
        ? 'access must be a combination of `r`, `w` and `m`'
        : undefined;
  if (problem) throw new CgroupError(`apply device rule \`${describeDeviceRule(rule)}\`: ${problem}`);
}

/** The line written to v1 devices.allow / devices.deny: `c 1:3 rwm`, or `a` for every device. */
export function v1DeviceLine(rule: DeviceRule): string {
  if (rule.type === 'a') return 'a';
  return `${rule.type} ${rule.major}:${rule.minor} ${rule.access}`;
}
