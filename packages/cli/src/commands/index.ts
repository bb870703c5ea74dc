// Every `cytorx` command, one file each. Add a command: one import and one entry below.
import type { CliCommand } from '../context.js';
import { annotationsCommand } from './annotations.js';
import { cocoMergeCommand } from './coco-merge.js';
import { demoCommand } from './demo.js';
import { emulatorCommand } from './emulator.js';
import { exportCommand } from './export.js';
import { imagesCommand } from './images.js';
import { overviewCommand } from './overview.js';
import { projectsCommand } from './projects.js';
import { termsCommand } from './terms.js';
import { uploadCommand } from './upload.js';
import { whoamiCommand } from './whoami.js';
import { windowCommand } from './window.js';

/** The registered commands, in `--help` order. */
export const commands: readonly CliCommand[] = [
  whoamiCommand,
  projectsCommand,
  imagesCommand,
  termsCommand,
  annotationsCommand,
  windowCommand,
  exportCommand,
  overviewCommand,
  cocoMergeCommand,
  uploadCommand,
  emulatorCommand,
  demoCommand,
];
