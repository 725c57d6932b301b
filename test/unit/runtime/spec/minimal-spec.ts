import { OCI_VERSION, Spec } from '../../../../src/runtime/spec/types';

/** A small valid spec for tests that change one part of it. */
export function minimalSpec(): Spec {
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: false,
      user: { uid: 0, gid: 0, additionalGids: [] },
      args: ['sh'],
      env: [],
      cwd: '/',
      capabilities: { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] },
      rlimits: [],
      noNewPrivileges: false,
    },
    root: { path: '/r', readonly: false },
    hostname: 'h',
    mounts: [],
    annotations: {},
    linux: {
      namespaces: [],
      resources: { devices: [] },
      maskedPaths: [],
      readonlyPaths: [],
      devices: [],
      cgroupsPath: '/berth/x',
    },
  };
}
