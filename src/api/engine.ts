/**
 * The embeddable engine: what a program (and berth's own CLI) holds to work
 * with images (and, later, containers). One data root per engine.
 */
import { loadSettings, Settings, SettingsInput } from '../config/settings';
import { DataRoot } from '../config/layout';
import { Store } from '../image/store/store';
import { Images } from './images/images';
import { Containers } from './containers/containers';
import { Volumes } from './volumes/volumes';
import type { System } from './system/system';

export class Berth {
  readonly settings: Settings;
  readonly layout: DataRoot;
  readonly store: Store;
  readonly images: Images;
  readonly containers: Containers;
  readonly volumes: Volumes;
  private systemCache?: System;

  constructor(input: SettingsInput = {}) {
    this.settings = loadSettings(input);
    this.layout = new DataRoot(this.settings.root);
    this.store = new Store(this.layout);
    this.images = new Images(this.settings, this.store);
    this.volumes = new Volumes(this.layout);
    this.containers = new Containers(this.layout, this.images, this.store.layers, this.volumes);
    this.volumes.containerUsage = { volumeUsers: (name) => this.containers.volumeUsers(name) };
    // Images used by containers are not removed, and their layers are not collected.
    this.images.events = this.containers.events;
    this.images.containerUsage = {
      imageUser: (id) => this.containers.imageUser(id),
      layersInUse: () => this.containers.layersInUse(),
    };
  }

  /** info, version, df, prune: made (and its module loaded) on first use, which `run` and `ps` never make. */
  get system(): System {
    if (!this.systemCache) {
      const { System: SystemApi } = require('./system/system') as typeof import('./system/system');
      this.systemCache = new SystemApi(this.settings, this.images, this.containers, this.volumes);
    }
    return this.systemCache;
  }
}
