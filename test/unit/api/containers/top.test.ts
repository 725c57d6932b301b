import { parsePsOutput, validatePsArgs } from '../../../../src/api/containers/top';
import { BerthError } from '../../../../src/errors';

const PS_EF = [
  'UID          PID    PPID  C STIME TTY          TIME CMD',
  'root           1       0  0 Nov27 ?        00:00:03 /sbin/init splash',
  'root        4242    4200  0 01:14 ?        00:00:00 sh -c sleep 100 & wait',
  'root        4243    4242  0 01:14 ?        00:00:00 sleep 100',
  'root        5000       1  0 01:15 pts/0    00:00:00 bash',
  '',
].join('\n');

describe('parsePsOutput', () => {
  it('keeps the header as titles and only the rows of the given pids, the command with its spaces', () => {
    const top = parsePsOutput(PS_EF, new Set([4242, 4243]));
    expect(top.Titles).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    expect(top.Processes).toEqual([
      ['root', '4242', '4200', '0', '01:14', '?', '00:00:00', 'sh -c sleep 100 & wait'],
      ['root', '4243', '4242', '0', '01:14', '?', '00:00:00', 'sleep 100'],
    ]);
  });

  it('finds PID wherever -o put it', () => {
    const out = 'COMMAND           PID\nsleep            4243\nbash             5000\n';
    expect(parsePsOutput(out, new Set([4243])).Processes).toEqual([['sleep', '4243']]);
  });

  it('keeps thread lines (PID `-`) that follow a kept process, and only those', () => {
    const out = ['USER PID %CPU COMMAND', 'root 4243 0.0 sleep', 'root - 0.0 -', 'root 5000 0.0 bash', 'root - 0.0 -', ''].join('\n');
    expect(parsePsOutput(out, new Set([4243])).Processes).toEqual([
      ['root', '4243', '0.0', 'sleep'],
      ['root', '-', '0.0', '-'],
    ]);
  });

  it('splits on ASCII whitespace only: a non-breaking space stays inside a field', () => {
    const out = 'PID CMD\n7 my\u00a0prog --flag\n';
    expect(parsePsOutput(out, new Set([7])).Processes).toEqual([['7', 'my\u00a0prog --flag']]);
  });

  it('fails without a PID column, and on a PID that is not a number', () => {
    expect(() => parsePsOutput('USER COMMAND\nroot sh\n', new Set([1]))).toThrow(/no PID column/);
    expect(() => parsePsOutput('PID CMD\nabc sh\n', new Set([1]))).toThrow(BerthError);
  });
});

describe('validatePsArgs', () => {
  it('refuses to name another column PID, allows pid=PID and plain options', () => {
    expect(() => validatePsArgs(['-o', 'user=PID'])).toThrow('specifying "user=PID" is not allowed');
    expect(() => validatePsArgs(['-o', 'pid=PID,comm'])).not.toThrow();
    expect(() => validatePsArgs(['aux'])).not.toThrow();
    expect(() => validatePsArgs(['-ef'])).not.toThrow();
  });
});
