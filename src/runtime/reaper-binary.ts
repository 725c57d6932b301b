/**
 * The init of `run --init` (native/berth-reaper.c, Docker's docker-init):
 * bind-mounted read-only at /sbin/docker-init and run as the container's
 * PID 1 in front of the command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError } from '../errors/berth-error';
import { ExitCode } from '../errors/exit-codes';
import { nativeBinary } from '../config/package-root';

export const REAPER_BINARY = nativeBinary('berth-reaper');

export function reaperBinary(): string {
  if (!fs.existsSync(REAPER_BINARY)) {
    throw new BerthError('missing-reaper', `run with --init: \`${REAPER_BINARY}\` is missing`, {
      hint: "build it with 'make -C native' (it needs gcc and Debian's libc6-dev)",
      exitCode: ExitCode.RuntimeFailure,
    });
  }
  return REAPER_BINARY;
}
