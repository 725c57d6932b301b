export * from './berth-error';
export * from './exit-codes';
export * from './kinds';
export * from './syscall-error';
