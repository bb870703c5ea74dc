/**
 * Sends `message` (if given) to a forked child and resolves with `reply[key]` of the first
 * reply that has `key`; rejects if the child exits first. Shared by the benchmarks that run
 * the emulator (or a measured mode) in a child process.
 */
export function reply(child, message, key) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`child exited with ${code}`));
    const on = (m) => {
      if (m && key in m) {
        child.off('message', on);
        child.off('exit', onExit);
        resolve(m[key]);
      }
    };
    child.on('message', on);
    child.once('exit', onExit);
    if (message !== undefined) child.send(message);
  });
}
