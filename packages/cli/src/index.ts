// @cytorx/cli public API (the command-line program is dist/cli.js).
export {};
