/**
 * berth as a library. The CLI is built on exactly this API.
 *
 *   import { Berth } from 'berth';
 *   const berth = new Berth({ root: '/var/lib/berth' });
 *   await berth.images.pull('127.0.0.1:5000/busybox:latest');
 */
export { Berth } from './api/engine';
export { Images } from './api/images/images';
export type { RemoveOptions } from './api/images/images';
export type { PullOptions, PullResult, PullEvent, LayerStatus } from './api/images/pull';
export type { ImportOptions } from './api/images/import';
export type { LoadedImage } from './api/images/load';
export type { PushOptions, PushEvent, PushedTag } from './api/images/push';
export type { LoginOptions } from './api/images/login';
export type { ImageSummary, ImageInspect, HistoryRow, RemoveLine } from './api/images/views';
export type { Settings, SettingsInput } from './config/settings';
export type { ImageRecord, ImageLayer } from './image/store/image-store';
export type { ImageReference } from './image/reference';
export { parseReference, normalizeReference, familiarString, formatReference } from './image/reference';
export type { ImageConfig, ImageManifest, ImageIndex, Descriptor, Platform, ContainerConfig } from './image/oci-types';
export { Containers } from './api/containers/containers';
export type { AttachedStartOptions, RemoveContainerOptions } from './api/containers/containers';
export type { AttachedContainer } from './api/containers/attached';
export type { CreateRequest, PullPolicy } from './api/containers/create';
export type { ExitStatus } from './runtime/start';
export type { ContainerState } from './runtime/state';
export { defaultRunOptions } from './runtime/spec/run-options';
export type { RunOptions } from './runtime/spec/run-options';
export type { ContainerTop } from './api/containers/top';
export type { ContainerStats } from './api/containers/stats';
export type { PruneContainersResult } from './api/containers/prune';
export { System } from './api/system/system';
export type { SystemInfo, DiskUsageRow, SystemPruneResult } from './api/system/system';
export type { VersionInfo } from './api/system/version';
export * from './errors';
