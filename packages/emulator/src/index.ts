// @cytorx/emulator public API.
export {};
