/**
 * The embeddable engine: what a program (and berth's own CLI) holds to work
 * with images (and, later, containers). One data root per engine.
 */
import { loadSettings, Settings, SettingsInput } from '../config/settings';
import { DataRoot } from '../config/layout';
import { Store } from '../image/store/store';
import { Images } from './images/images';
import { Containers } from './containers/containers';

export class Berth {
  readonly settings: Settings;
  readonly layout: DataRoot;
  readonly store: Store;
  readonly images: Images;
  readonly containers: Containers;

  constructor(input: SettingsInput = {}) {
    this.settings = loadSettings(input);
    this.layout = new DataRoot(this.settings.root);
    this.store = new Store(this.layout);
    this.images = new Images(this.settings, this.store);
    this.containers = new Containers(this.layout, this.images, this.store.layers);
    // Images used by containers are not removed, and their layers are not collected.
    this.images.containerUsage = {
      imageUser: (id) => this.containers.imageUser(id),
      layersInUse: () => this.containers.layersInUse(),
    };
  }
}
