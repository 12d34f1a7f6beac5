// The CLI's commands, one file each; adding a command is one line here.

import type { Command } from 'commander';
import { registerBaseline } from './baseline';
import { registerConvert } from './convert';
import { registerDecode } from './decode';
import { registerDiff } from './diff';
import { registerExplain } from './explain';
import { registerModuleDiff } from './module-diff';
import { registerModules } from './modules';
import { registerReconcile } from './reconcile';
import { registerReport } from './report';
import { registerRules } from './rules';

/** Registers a command on the program; `setExit` records the process exit status. */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  // one line per command
  registerReconcile,
  registerReport,
  registerExplain,
  registerModules,
  registerModuleDiff,
  registerRules,
  registerDiff,
  registerBaseline,
  registerConvert,
  registerDecode,
];
