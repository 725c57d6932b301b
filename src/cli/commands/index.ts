/**
 * Every command berth has, listed explicitly (no directory scanning), each
 * verb mounted under its long form and, where Docker has one, its short form.
 */
import type { CommandModule } from 'yargs';
import { mount, noun, Verb } from '../verb';
import { pull } from './image/pull';
import { ls } from './image/ls';
import { rm } from './image/rm';
import { tag } from './image/tag';
import { inspect, inspectOf } from './image/inspect';
import { history } from './image/history';
import { prune } from './image/prune';
import { check } from './system/check';
import { run } from './container/run';
import { create } from './container/create';
import { start } from './container/start';
import { ps } from './container/ps';
import { rm as containerRm } from './container/rm';
import { kill } from './container/kill';
import { wait } from './container/wait';
import { exec } from './container/exec';
import { cp } from './container/cp';
import { logs } from './container/logs';
import { stop } from './container/stop';
import { restart } from './container/restart';
import { pause } from './container/pause';
import { unpause } from './container/unpause';
import { commit } from './container/commit';
import { diff } from './container/diff';
import { exportVerb } from './container/export';
import { rename } from './container/rename';
import { prune as containerPrune } from './container/prune';
import { top } from './container/top';
import { stats } from './container/stats';
import { version } from './system/version';
import { info } from './system/info';
import { df } from './system/df';
import { prune as systemPrune } from './system/prune';
import { create as volumeCreate } from './volume/create';
import { ls as volumeLs } from './volume/ls';
import { rm as volumeRm } from './volume/rm';
import { inspect as volumeInspect } from './volume/inspect';
import { prune as volumePrune } from './volume/prune';
import { importVerb } from './image/import';
import { save } from './image/save';
import { load } from './image/load';
import { push } from './image/push';
import { login } from './image/login';
import { logout } from './image/logout';

const imageVerbs: CommandModule[] = [
  mount(['ls', 'list'], ls),
  mount('pull', pull),
  mount(['rm', 'remove'], rm),
  mount('tag', tag),
  mount('inspect', inspectOf('image', 'Display detailed information on one or more images')),
  mount('history', history),
  mount('prune', prune),
  mount('import', importVerb),
  mount('save', save),
  mount('load', load),
  mount('push', push),
];

/** Container verbs Docker also has at the top level (`berth run` = `berth container run`). */
const containerShortForms: Array<[string, Verb<any>]> = [
  ['run', run], ['create', create], ['start', start], ['kill', kill], ['wait', wait], ['rename', rename],
  ['exec', exec], ['cp', cp], ['logs', logs], ['stop', stop], ['restart', restart], ['pause', pause],
  ['unpause', unpause], ['commit', commit], ['diff', diff], ['export', exportVerb], ['top', top], ['stats', stats],
];

const containerVerbs: CommandModule[] = [
  ...containerShortForms.map(([name, verb]) => mount(name, verb)),
  mount(['ls', 'ps', 'list'], ps),
  mount(['rm', 'remove'], containerRm),
  mount('inspect', inspectOf('container', 'Display detailed information on one or more containers')),
  mount('prune', containerPrune),
];

/** Verbs whose arguments after the image are the container's command (Docker stops parsing flags there). */
export const COMMAND_TAKING_VERBS = new Set(['run', 'create', 'exec', 'top']);

const volumeVerbs: CommandModule[] = [
  mount('create', volumeCreate),
  mount(['ls', 'list'], volumeLs),
  mount(['rm', 'remove'], volumeRm),
  mount('inspect', volumeInspect),
  mount('prune', volumePrune),
];

export const commands: CommandModule[] = [
  noun('container', 'Manage containers', containerVerbs),
  noun('volume', 'Manage volumes', volumeVerbs),
  noun('image', 'Manage images', imageVerbs),
  noun('system', 'Manage berth', [mount('check', check), mount('df', df), mount('prune', systemPrune), mount('info', info)]),
  ...containerShortForms.map(([name, verb]) => mount(name, verb)),
  mount('ps', ps),
  mount('rm', containerRm),
  mount('version', version),
  mount('info', info),
  mount('images', ls),
  mount('pull', pull),
  mount('rmi', rm),
  mount('tag', tag),
  mount('history', history),
  mount('inspect', inspect),
  mount('import', importVerb),
  mount('save', save),
  mount('load', load),
  mount('push', push),
  mount('login', login),
  mount('logout', logout),
];
