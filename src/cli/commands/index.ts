/**
 * Every command berth has, listed explicitly (no directory scanning), each
 * verb mounted under its long form and, where Docker has one, its short form.
 *
 * The table holds each verb's one-line description (what `berth --help` and
 * `berth container --help` list) and a loader; everything else about a verb
 * (usage, arguments, flags) is in its module, which is required only when
 * that verb runs or shows its help, so start-up evaluates one verb's imports,
 * not all of them. The mounts of one entry are its aliases, in Docker's
 * order: the noun forms first, then the short form. To add a verb: one
 * lazyVerb line in its noun's table, then mount it below.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy loading is the point of this file */
import { Command, lazyVerb, mount, noun, VerbCommand, VerbEntry } from '../verb';


const container = {
  run: lazyVerb('Create and run a new container from an image', () => require('./container/run').run),
  create: lazyVerb('Create a new container', () => require('./container/create').create),
  start: lazyVerb('Start one or more stopped containers', () => require('./container/start').start),
  kill: lazyVerb('Kill one or more running containers', () => require('./container/kill').kill),
  wait: lazyVerb('Block until one or more containers stop, then print their exit codes',
    () => require('./container/wait').wait),
  rename: lazyVerb('Rename a container', () => require('./container/rename').rename),
  exec: lazyVerb('Execute a command in a running container', () => require('./container/exec').exec),
  update: lazyVerb('Update configuration of one or more containers', () => require('./container/update').update),
  attach: lazyVerb('Attach local standard input, output, and error streams to a running container',
    () => require('./container/attach').attach),
  cp: lazyVerb('Copy files/folders between a container and the local filesystem',
    () => require('./container/cp').cp),
  logs: lazyVerb('Fetch the logs of a container', () => require('./container/logs').logs),
  stop: lazyVerb('Stop one or more running containers', () => require('./container/stop').stop),
  restart: lazyVerb('Restart one or more containers', () => require('./container/restart').restart),
  pause: lazyVerb('Pause all processes within one or more containers',
    () => require('./container/pause').pause),
  unpause: lazyVerb('Unpause all processes within one or more containers',
    () => require('./container/unpause').unpause),
  commit: lazyVerb("Create a new image from a container's changes",
    () => require('./container/commit').commit),
  diff: lazyVerb("Inspect changes to files or directories on a container's filesystem",
    () => require('./container/diff').diff),
  export: lazyVerb("Export a container's filesystem as a tar archive",
    () => require('./container/export').exportVerb),
  top: lazyVerb('Display the running processes of a container', () => require('./container/top').top),
  stats: lazyVerb('Display a live stream of container(s) resource usage statistics',
    () => require('./container/stats').stats),
  ps: lazyVerb('List containers', () => require('./container/ps').ps),
  rm: lazyVerb('Remove one or more containers', () => require('./container/rm').rm),
  inspect: lazyVerb('Display detailed information on one or more containers',
    () => require('./image/inspect').inspectOf('container')),
  prune: lazyVerb('Remove all stopped containers', () => require('./container/prune').prune),
};

const image = {
  ls: lazyVerb('List images', () => require('./image/ls').ls),
  pull: lazyVerb('Download an image from a registry', () => require('./image/pull').pull),
  rm: lazyVerb('Remove one or more images', () => require('./image/rm').rm),
  tag: lazyVerb('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', () => require('./image/tag').tag),
  /** `image inspect` looks at images only; plain `inspect` at containers, then images. */
  inspect: lazyVerb('Display detailed information on one or more images', () => require('./image/inspect').inspectOf('image')),
  inspectAny: lazyVerb('Return low-level information on berth objects', () => require('./image/inspect').inspect),
  history: lazyVerb('Show the history of an image', () => require('./image/history').history),
  prune: lazyVerb('Remove unused images', () => require('./image/prune').prune),
  import: lazyVerb('Import the contents from a tarball to create a filesystem image',
    () => require('./image/import').importVerb),
  save: lazyVerb('Save one or more images to a tar archive (streamed to STDOUT by default)',
    () => require('./image/save').save),
  load: lazyVerb('Load an image from a tar archive or STDIN', () => require('./image/load').load),
  push: lazyVerb('Upload an image to a registry', () => require('./image/push').push),
  login: lazyVerb('Authenticate to a registry', () => require('./image/login').login),
  logout: lazyVerb('Log out from a registry', () => require('./image/logout').logout),
};

const volume = {
  create: lazyVerb('Create a volume', () => require('./volume/create').create),
  ls: lazyVerb('List volumes', () => require('./volume/ls').ls),
  rm: lazyVerb('Remove one or more volumes', () => require('./volume/rm').rm),
  inspect: lazyVerb('Display detailed information on one or more volumes', () => require('./volume/inspect').inspect),
  prune: lazyVerb('Remove unused local volumes', () => require('./volume/prune').prune),
};

const system = {
  check: lazyVerb('Verify the digests of every blob and the references of every image in the store',
    () => require('./system/check').check),
  df: lazyVerb('Show berth disk usage', () => require('./system/df').df),
  prune: lazyVerb('Remove unused data', () => require('./system/prune').prune),
  info: lazyVerb('Display system-wide information', () => require('./system/info').info),
  version: lazyVerb('Show the berth version information', () => require('./system/version').version),
  events: lazyVerb('Get real time events from the server', () => require('./system/events').events),
};

/** Every entry of the table, by noun (for the test that loads each one). */
export const verbTable: Record<string, Record<string, VerbEntry>> = { container, image, volume, system };

/** Container verbs Docker also has at the top level (`berth run` = `berth container run`). */
const containerShortForms: Array<[string, VerbEntry]> = [
  ['run', container.run], ['create', container.create], ['start', container.start], ['kill', container.kill],
  ['wait', container.wait], ['rename', container.rename], ['exec', container.exec], ['attach', container.attach],
  ['cp', container.cp], ['logs', container.logs], ['stop', container.stop], ['restart', container.restart],
  ['pause', container.pause], ['unpause', container.unpause], ['commit', container.commit], ['diff', container.diff],
  ['export', container.export], ['top', container.top], ['stats', container.stats], ['update', container.update],
];

const containerVerbs: VerbCommand[] = [
  ...containerShortForms.map(([name, verb]) => mount(name, verb)),
  mount(['ls', 'list', 'ps'], container.ps),
  mount(['rm', 'remove'], container.rm),
  mount('inspect', container.inspect),
  mount('prune', container.prune),
];

const imageVerbs: VerbCommand[] = [
  mount(['ls', 'list'], image.ls),
  mount('pull', image.pull),
  mount(['rm', 'remove'], image.rm),
  mount('tag', image.tag),
  mount('inspect', image.inspect),
  mount('history', image.history),
  mount('prune', image.prune),
  mount('import', image.import),
  mount('save', image.save),
  mount('load', image.load),
  mount('push', image.push),
];

const volumeVerbs: VerbCommand[] = [
  mount('create', volume.create),
  mount(['ls', 'list'], volume.ls),
  mount(['rm', 'remove'], volume.rm),
  mount('inspect', volume.inspect),
  mount('prune', volume.prune),
];

const systemVerbs: VerbCommand[] = [
  mount('check', system.check),
  mount('df', system.df),
  mount('prune', system.prune),
  mount('info', system.info),
  mount('events', system.events),
];

/** The top-level commands, nouns first: an entry's help lists its mounts in this order (Docker's aliases). */
export const commands: Command[] = [
  noun('container', 'Manage containers', containerVerbs),
  noun('image', 'Manage images', imageVerbs),
  noun('volume', 'Manage volumes', volumeVerbs),
  noun('system', 'Manage berth', systemVerbs),
  ...containerShortForms.map(([name, verb]) => mount(name, verb)),
  mount('ps', container.ps),
  mount('rm', container.rm),
  mount('version', system.version),
  mount('info', system.info),
  mount('events', system.events),
  mount('images', image.ls),
  mount('pull', image.pull),
  mount('rmi', image.rm),
  mount('tag', image.tag),
  mount('history', image.history),
  mount('inspect', image.inspectAny),
  mount('import', image.import),
  mount('save', image.save),
  mount('load', image.load),
  mount('push', image.push),
  mount('login', image.login),
  mount('logout', image.logout),
];

/** `berth --help` lists these first, in this order (Docker's "Common Commands", less those berth lacks). */
export const COMMON_COMMANDS = ['run', 'exec', 'ps', 'pull', 'push', 'images', 'login', 'logout', 'version', 'info'];
