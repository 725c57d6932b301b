// Fixture images in the forms the engines import: an OCI archive (a tar of the
// fixture's OCI layout) for `ctr images import`, a docker-archive for
// `docker load`, and podman's own storage pulled from the layout.
import * as path from 'node:path';
import { fixtureLayout, FIXTURE_TAG, type FixtureName } from '../../helpers/fixtures';
import { mustRun } from './host';

/** Writes `DIR/NAME.oci.tar` from the fixture's layout; its one tag is `latest`. */
export function ociArchive(name: FixtureName, dir: string): string {
  const out = path.join(dir, `${name}.oci.tar`);
  mustRun('tar', ['--create', '--file', out, '--directory', fixtureLayout(name), '.']);
  return out;
}

/** Writes `DIR/NAME.docker.tar` holding the fixture tagged `ref` (e.g. `busybox:latest`). */
export function dockerArchive(name: FixtureName, dir: string, ref: string): string {
  const out = path.join(dir, `${name}.docker.tar`);
  mustRun('skopeo', ['copy', '--insecure-policy', '--quiet', `oci:${fixtureLayout(name)}:${FIXTURE_TAG}`, `docker-archive:${out}:${ref}`]);
  return out;
}

/** The `oci:` transport reference of a fixture, for `podman pull` and skopeo. */
export function ociReference(name: FixtureName): string {
  return `oci:${fixtureLayout(name)}:${FIXTURE_TAG}`;
}
