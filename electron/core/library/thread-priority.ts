// An import keeps both cores busy on other threads (decoding on libvips's workers, inference on the backbone's
// worker thread and the ONNX Runtime threads it starts). At equal priority the main thread,
// which answers the window, gets only its fair share of a core whenever it has work: while 64 photos imported,
// a 7 ms (CPU) outfits.suggest took 20-110 ms (RELIABILITY.md, Load). With those threads at a lower priority it
// gets a core at once, and the import, which leaves the main thread idle most of the time, loses almost nothing.
// Linux only: there a thread's nice value is its own, and setpriority takes a thread's id. Elsewhere, nothing.
import fs from 'node:fs';
import os from 'node:os';

/** The nice value of background threads (0 is the default, 19 the lowest priority). */
export const BACKGROUND_NICE = 10;

/**
 * Threads that only ever do background work, by the name the OS knows them by: libvips's workers (decoding and
 * resizing) and worker threads with no name of their own (Node's default; the threads a worker starts, such as
 * ONNX Runtime's, inherit its name). Not libuv's thread pool: the main thread takes its lock to queue every file
 * operation and to collect every result, and a pool thread preempted while holding it, at a low priority on a
 * machine busy with other programs, stalled the main thread for 94 ms in one run; it does little of the import's
 * work (sharp's pipelines wait there for libvips's workers). V8's own threads help the main thread (garbage
 * collection) and keep their priority.
 */
const BACKGROUND_THREAD = /^(libvips worker|WorkerThread)$/;

const TASKS = '/proc/self/task';

/**
 * Gives every background thread of this process that is not yet there the nice value BACKGROUND_NICE; returns
 * how many it lowered. Cheap (a few dozen reads of /proc): called as threads start, e.g. once per import batch.
 * An unprivileged process cannot raise a thread's priority again, so this is for threads that stay background.
 */
export function lowerBackgroundThreads(): number {
  let lowered = 0;
  for (const { id, name } of threads()) {
    if (id === process.pid || !BACKGROUND_THREAD.test(name)) continue;
    try {
      if (os.getPriority(id) >= BACKGROUND_NICE) continue;
      os.setPriority(id, BACKGROUND_NICE);
      lowered++;
    } catch {
      // The thread ended meanwhile, or the system refused: it keeps its priority.
    }
  }
  return lowered;
}

/** The nice value of each of this process's threads, by thread name (for tests and the benchmark). */
export function threadPriorities(): { name: string; nice: number }[] {
  return threads().flatMap(({ id, name }) => {
    try {
      return [{ name, nice: os.getPriority(id) }];
    } catch {
      return []; // ended meanwhile
    }
  });
}

/** This process's threads with the names the OS knows them by; [] where there is no /proc (not Linux). */
function threads(): { id: number; name: string }[] {
  if (process.platform !== 'linux') return [];
  let tids: string[];
  try {
    tids = fs.readdirSync(TASKS);
  } catch {
    return [];
  }
  return tids.flatMap((tid) => {
    try {
      return [{ id: Number(tid), name: fs.readFileSync(`${TASKS}/${tid}/comm`, 'utf8').trim() }];
    } catch {
      return []; // ended meanwhile
    }
  });
}
