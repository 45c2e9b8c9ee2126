// Cold init probe, run as a fresh `node` process per measurement: import one handler module
// (its module scope runs: config validation, SDK clients, sharp ...) and report how long
// that took and how long the process had existed by then. Plain JavaScript on purpose: no
// loader of ours adds to what is measured.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const started = performance.now();
const module = await import(pathToFileURL(file).href);
const importMs = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error(`${file} exports no handler`);
process.stdout.write(
  JSON.stringify({
    // performance.now() counts from the process's time origin (its start).
    readyMs: performance.now(),
    importMs,
    // CPU time of the whole process so far: steadier than wall time on a busy machine.
    cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
    rssMiB: process.memoryUsage.rss() / 2 ** 20,
  }),
);
process.exit(0);
