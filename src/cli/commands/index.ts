/**
 * Every command berth has, listed explicitly (no directory scanning), each
 * verb mounted under its long form and, where Docker has one, its short form.
 */
import type { CommandModule } from 'yargs';
import { mount, noun } from '../verb';
import { pull } from './image/pull';
import { ls } from './image/ls';
import { rm } from './image/rm';
import { tag } from './image/tag';
import { inspect } from './image/inspect';
import { history } from './image/history';
import { prune } from './image/prune';
import { check } from './system/check';
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
  mount('inspect', inspect),
  mount('history', history),
  mount('prune', prune),
  mount('import', importVerb),
  mount('save', save),
  mount('load', load),
  mount('push', push),
];

export const commands: CommandModule[] = [
  noun('image', 'Manage images', imageVerbs),
  noun('system', 'Manage berth', [mount('check', check)]),
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
