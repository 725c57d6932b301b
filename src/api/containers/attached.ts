/**
 * A container seen through its monitor's attach socket: what `run` in the
 * foreground, `start -a`, `attach` and embedding programs hold while the
 * container runs.
 */
import type { Readable, Writable } from 'node:stream';
import type { Attachment } from '../../runtime/attach-client';
import type { ContainerState } from '../../runtime/state';
import type { ExitStatus } from '../../runtime/start';

export interface AttachedContainer {
  state: ContainerState;
  /** The container's output from the moment it started (for `attach`: from the moment of attaching). */
  stdout: Readable;
  /** Empty for a container with a terminal: the pty merges both streams into stdout. */
  stderr: Readable;
  /** The container's stdin when it keeps one open (created with `interactive`), else null. end() closes it. */
  stdin: Writable | null;
  /** Sets the window size of a container's terminal (SIGWINCH reaches it). */
  resize(rows: number, columns: number): void;
  /** Resolves once the container has exited, with its exit as recorded (never, after detach()). */
  exited: Promise<ExitStatus>;
  /** Stops following the container; it runs on (its monitor keeps its log). */
  detach(): void;
}

export function attachedContainer(
  state: ContainerState,
  attachment: Attachment,
  exitOf: () => Promise<ExitStatus>,
): AttachedContainer {
  let detached = false;
  return {
    state,
    stdout: attachment.stdout,
    stderr: attachment.stderr,
    stdin: state.hostConfig.interactive ? attachment.stdin : null,
    resize: (rows, columns) => attachment.resize(rows, columns),
    // After a detach the exit is no longer ours to wait for: `exited` stays pending (holding nothing open).
    exited: attachment.ended.then(() => (detached ? new Promise<ExitStatus>(() => undefined) : exitOf())),
    detach: () => {
      detached = true;
      attachment.detach();
    },
  };
}
