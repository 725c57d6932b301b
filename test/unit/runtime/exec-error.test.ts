// exec's start failures in Docker 28's words and exit codes (src/runtime/exec-error.ts says why 28's).
import { describeExecError } from '../../../src/runtime/exec-error';

const PREFIX = 'OCI runtime exec failed: exec failed: unable to start container process';

describe('describeExecError', () => {
  it.each([
    ['a command not in $PATH', { step: 'execve', errno: 2 }, ['nosuch'], 127, 'exec: "nosuch": executable file not found in $PATH: unknown'],
    ['a missing path', { step: 'execve', errno: 2 }, ['/no/such'], 127, 'exec: "/no/such": no such file or directory: unknown'],
    ['a file that is not executable', { step: 'execve', errno: 13 }, ['/etc/passwd'], 126, 'exec: "/etc/passwd": permission denied: unknown'],
    ['a directory (EISDIR)', { step: 'execve', errno: 21 }, ['/etc'], 126, 'exec: "/etc": is a directory: unknown: permission denied'],
    ['a binary of another format', { step: 'execve', errno: 8 }, ['/x'], 128, 'exec: "/x": exec format error: unknown'],
    ['a missing working directory', { step: 'chdir', errno: 2 }, ['true'], 127,
      'chdir to cwd ("/w") set in config.json failed: no such file or directory: unknown'],
    ['a working directory that is a file', { step: 'chdir', errno: 20 }, ['true'], 127,
      'chdir to cwd ("/w") set in config.json failed: not a directory: unknown: Are you trying to mount a directory onto a file '
        + '(or vice-versa)? Check if the specified host path exists and is the expected type'],
    ['a working directory it may not enter', { step: 'chdir', errno: 13 }, ['true'], 126,
      'chdir to cwd ("/w") set in config.json failed: permission denied: unknown'],
  ])('%s', (_what, error, args, exitCode, message) => {
    const described = describeExecError({ ...error, detail: '' }, args, '/w');
    expect(described.exitCode).toBe(exitCode);
    expect(described.message).toBe(`${PREFIX}: ${message}`);
  });
});
