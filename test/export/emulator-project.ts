// One emulator per suite with the DATASET project: started before the suite's tests, closed
// after them. For the end-to-end tests that run exports in-process and through the CLI.
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll } from 'vitest';
import { clientFor, DATASET } from './helpers.js';

/** The suite's emulator, a client for it, its first project and the CLI's environment. */
export interface EmulatorProject {
  emu: Emulator;
  client: CytomineClient;
  project: number;
  /** CYTOMINE_HOST and the keys, for `runInProcess`. */
  env: Record<string, string>;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled before the first test. */
export function emulatorProject(): EmulatorProject {
  const s = {} as EmulatorProject;
  beforeAll(async () => {
    s.emu = await startEmulator({ dataset: DATASET });
    s.client = clientFor(s.emu);
    s.project = s.emu.dataset.projects[0]!.id;
    s.env = {
      CYTOMINE_HOST: s.emu.url,
      CYTOMINE_PUBLIC_KEY: s.emu.publicKey,
      CYTOMINE_PRIVATE_KEY: s.emu.privateKey,
    };
  });
  afterAll(async () => {
    await s.client?.close();
    await s.emu?.close();
  });
  return s;
}
