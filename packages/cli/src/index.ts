// @cytorx/cli public API (the command-line program is dist/cli.js).

export {
  AUTH_MODES,
  type CliAuthMode,
  type ConnectionSettings,
  defaultConfigPath,
  type ResolveConnectionOptions,
  type ResolvedConnection,
  readConfigFile,
  resolveConnection,
} from './connection.js';
export {
  type CliCommand,
  type CommandContext,
  type CommandSpec,
  type ConnectionOverride,
  defineCommand,
  type GlobalArgs,
} from './context.js';
export { ExitCode, type ExitCodeValue, exitCodeFor } from './exit-codes.js';
export type { CliIo } from './io.js';
export { main } from './main.js';
export {
  type Column,
  type FormatTableOptions,
  formatTable,
  type OutputFormat,
  type TextSink,
  writeItems,
} from './output.js';
