import { BerthError, BerthErrorOptions } from './berth-error';

/** Bad flags, arguments or combinations thereof. */
export class UsageError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('usage', message, options);
  }
}

/** An image reference that does not follow the distribution grammar. */
export class InvalidReferenceError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('invalid-reference', message, options);
  }
}

/** Something named by the user (image, container, volume, blob) does not exist. */
export class NotFoundError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('not-found', message, options);
  }
}

/** A conflict with existing state (name in use, image in use, ...). */
export class ConflictError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('conflict', message, options);
  }
}

/** A registry answered with an error or could not be reached. */
export class RegistryError extends BerthError {
  readonly status?: number;
  constructor(message: string, options: BerthErrorOptions & { status?: number } = {}) {
    super('registry', message, options);
    this.status = options.status;
  }
}

/** Authentication with a registry failed. */
export class AuthError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('auth', message, options);
  }
}

/** Content did not match the digest or size it was announced with. */
export class DigestMismatchError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('digest-mismatch', message, options);
  }
}

/** A manifest, config, index or archive is malformed or unsupported. */
export class InvalidContentError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('invalid-content', message, options);
  }
}

/** A tar entry that would escape its target directory, or is otherwise unsafe. */
export class UnsafeEntryError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('unsafe-entry', message, options);
  }
}

/** The store on disk is inconsistent or locked. */
export class StoreError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('store', message, options);
  }
}

/** A write into a directory that does not exist, typically one another process removed meanwhile. */
export class DirectoryGoneError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('directory-gone', message, options);
  }
}
