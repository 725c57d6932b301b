/**
 * Every command berth has, listed explicitly (no directory scanning), each
 * verb mounted under its long form and, where Docker has one, its short form.
 *
 * The table holds what yargs needs to match a command and print `--help`
 * (arguments, description); a verb's module is required only when that verb
 * runs, so start-up evaluates one verb's imports, not all of them. A verb's
 * module keeps the same args and describe (test/unit/cli/commands/table.test.ts
 * checks they agree). To add a verb: one lazyVerb line in its noun's table,
 * then mount it below.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy loading is the point of this file */
import type { CommandModule } from 'yargs';
import { lazyVerb, mount, noun, VerbEntry } from '../verb';

const IMAGE_INSPECT = 'Display detailed information on one or more images';
const CONTAINER_INSPECT = 'Display detailed information on one or more containers';

const container = {
  run: lazyVerb('<image>', 'Create and run a new container from an image', () => require('./container/run').run),
  create: lazyVerb('<image>', 'Create a new container', () => require('./container/create').create),
  start: lazyVerb('<containers..>', 'Start one or more stopped containers', () => require('./container/start').start),
  kill: lazyVerb('<containers..>', 'Kill one or more running containers', () => require('./container/kill').kill),
  wait: lazyVerb('<containers..>', 'Block until one or more containers stop, then print their exit codes',
    () => require('./container/wait').wait),
  rename: lazyVerb('<container> <name>', 'Rename a container', () => require('./container/rename').rename),
  exec: lazyVerb('<container>', 'Execute a command in a running container', () => require('./container/exec').exec),
  update: lazyVerb('<containers..>', 'Update configuration of one or more containers', () => require('./container/update').update),
  attach: lazyVerb('<container>', 'Attach local standard input, output, and error streams to a running container',
    () => require('./container/attach').attach),
  cp: lazyVerb('<source> <destination>', 'Copy files/folders between a container and the local filesystem',
    () => require('./container/cp').cp),
  logs: lazyVerb('<container>', 'Fetch the logs of a container', () => require('./container/logs').logs),
  stop: lazyVerb('<containers..>', 'Stop one or more running containers', () => require('./container/stop').stop),
  restart: lazyVerb('<containers..>', 'Restart one or more containers', () => require('./container/restart').restart),
  pause: lazyVerb('<containers..>', 'Pause all processes within one or more containers',
    () => require('./container/pause').pause),
  unpause: lazyVerb('<containers..>', 'Unpause all processes within one or more containers',
    () => require('./container/unpause').unpause),
  commit: lazyVerb('<container> [repository]', "Create a new image from a container's changes",
    () => require('./container/commit').commit),
  diff: lazyVerb('<container>', "Inspect changes to files or directories on a container's filesystem",
    () => require('./container/diff').diff),
  export: lazyVerb('<container>', "Export a container's filesystem as a tar archive",
    () => require('./container/export').exportVerb),
  top: lazyVerb('<container> [psOptions..]', 'Display the running processes of a container', () => require('./container/top').top),
  stats: lazyVerb('[containers..]', 'Display a live stream of container(s) resource usage statistics',
    () => require('./container/stats').stats),
  ps: lazyVerb(undefined, 'List containers', () => require('./container/ps').ps),
  rm: lazyVerb('<containers..>', 'Remove one or more containers', () => require('./container/rm').rm),
  inspect: lazyVerb('<names..>', CONTAINER_INSPECT,
    () => require('./image/inspect').inspectOf('container', CONTAINER_INSPECT)),
  prune: lazyVerb(undefined, 'Remove all stopped containers', () => require('./container/prune').prune),
};

const image = {
  ls: lazyVerb('[repository]', 'List images', () => require('./image/ls').ls),
  pull: lazyVerb('<name>', 'Download an image from a registry', () => require('./image/pull').pull),
  rm: lazyVerb('<images..>', 'Remove one or more images', () => require('./image/rm').rm),
  tag: lazyVerb('<source> <target>', 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', () => require('./image/tag').tag),
  /** `image inspect` looks at images only; plain `inspect` at containers, then images. */
  inspect: lazyVerb('<names..>', IMAGE_INSPECT, () => require('./image/inspect').inspectOf('image', IMAGE_INSPECT)),
  inspectAny: lazyVerb('<names..>', IMAGE_INSPECT, () => require('./image/inspect').inspect),
  history: lazyVerb('<image>', 'Show the history of an image', () => require('./image/history').history),
  prune: lazyVerb(undefined, 'Remove unused images', () => require('./image/prune').prune),
  import: lazyVerb('<file> [reference]', 'Import the contents from a tarball to create a filesystem image',
    () => require('./image/import').importVerb),
  save: lazyVerb('<images..>', 'Save one or more images to a tar archive (streamed to STDOUT by default)',
    () => require('./image/save').save),
  load: lazyVerb(undefined, 'Load an image from a tar archive or STDIN', () => require('./image/load').load),
  push: lazyVerb('<name>', 'Upload an image to a registry', () => require('./image/push').push),
  login: lazyVerb('[server]', 'Log in to a registry (Docker Hub by default)', () => require('./image/login').login),
  logout: lazyVerb('[server]', 'Log out from a registry (Docker Hub by default)', () => require('./image/logout').logout),
};

const volume = {
  create: lazyVerb('[name]', 'Create a volume', () => require('./volume/create').create),
  ls: lazyVerb(undefined, 'List volumes', () => require('./volume/ls').ls),
  rm: lazyVerb('<volumes..>', 'Remove one or more volumes', () => require('./volume/rm').rm),
  inspect: lazyVerb('<volumes..>', 'Display detailed information on one or more volumes', () => require('./volume/inspect').inspect),
  prune: lazyVerb(undefined, 'Remove unused local volumes', () => require('./volume/prune').prune),
};

const system = {
  check: lazyVerb(undefined, 'Verify the digests of every blob and the references of every image in the store',
    () => require('./system/check').check),
  df: lazyVerb(undefined, 'Show berth disk usage', () => require('./system/df').df),
  prune: lazyVerb(undefined, 'Remove unused data', () => require('./system/prune').prune),
  info: lazyVerb(undefined, 'Display system-wide information', () => require('./system/info').info),
  version: lazyVerb(undefined, 'Show the berth version information', () => require('./system/version').version),
  events: lazyVerb(undefined, 'Get real time events from the server', () => require('./system/events').events),
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

/** Verbs whose arguments after the image are the container's command (Docker stops parsing flags there). */
export const COMMAND_TAKING_VERBS = new Set(['run', 'create', 'exec', 'top']);

const containerVerbs: CommandModule[] = [
  ...containerShortForms.map(([name, verb]) => mount(name, verb)),
  mount(['ls', 'ps', 'list'], container.ps),
  mount(['rm', 'remove'], container.rm),
  mount('inspect', container.inspect),
  mount('prune', container.prune),
];

const imageVerbs: CommandModule[] = [
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

const volumeVerbs: CommandModule[] = [
  mount('create', volume.create),
  mount(['ls', 'list'], volume.ls),
  mount(['rm', 'remove'], volume.rm),
  mount('inspect', volume.inspect),
  mount('prune', volume.prune),
];

const systemVerbs: CommandModule[] = [
  mount('check', system.check),
  mount('df', system.df),
  mount('prune', system.prune),
  mount('info', system.info),
  mount('events', system.events),
];

export const commands: CommandModule[] = [
  noun('container', 'Manage containers', containerVerbs),
  noun('volume', 'Manage volumes', volumeVerbs),
  noun('image', 'Manage images', imageVerbs),
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
