/** OCI runtime spec building for `run`/`create`: see build-spec.ts. */
export * from './build-spec';
export * from './capabilities';
export * from './defaults';
export * from './device-nodes';
export * from './entrypoint';
export * from './env';
export * from './parse-flags';
export * from './parse-device';
export * from './parse-mounts';
export * from './resources';
export * from './rlimits';
export * from './run-options';
export * from './types';
export * from './user';
