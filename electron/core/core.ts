// The app's core: everything that computes, with no Electron in sight. The shell (Electron or the
// loopback bridge) opens one Core per library and hands it every call from the window.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { AppInfo, ModelUpdateProgress } from '../../shared/api.ts';
import { openDatabase } from './db/database.ts';
import { ItemsRepo } from './library/items-repo.ts';
import type { StaleItem } from './library/items-repo.ts';
import { PeopleRepo } from './library/people-repo.ts';
import { JudgementsRepo } from './library/judgements-repo.ts';
import { LibraryFiles, LibraryStorageError, storageProblem } from './library/library-files.ts';
import type { MediaKind } from './library/library-files.ts';
import { ImportJob } from './library/importer.ts';
import type { ImportSource } from './library/import-sources.ts';
import { Backbone } from './vision/backbone.ts';
import { modelsKeyOf } from './vision/models-key.ts';
import { locateHeads } from './heads/locate.ts';
import { RedescribeJob } from './library/redescribe.ts';
import { createDispatch } from './api/dispatch.ts';
import type { Dispatch } from './api/dispatch.ts';
import { createHandlers } from './api/handlers.ts';

export interface CoreOptions {
  libraryDir: string;
  /** Folder holding the provisioned backbone (mobilenet_v2_imagenet.onnx) and imagenet_labels.txt. */
  modelDir: string;
  shell: AppInfo['shell'];
  version: string;
  log?: (message: string) => void;
  /**
   * Describe again, in the background, the items other models described (library/redescribe.ts). The shells
   * turn it on; tools and tests that open a library for one task leave it off.
   */
  updateDescriptions?: boolean;
}

export const BACKBONE_FILE = 'mobilenet_v2_imagenet.onnx';
export const LABELS_FILE = 'imagenet_labels.txt';
/** Originals a page shows as they are, so they can stand in for a thumbnail. */
const PAGE_SHOWN_EXTENSIONS = new Set(['jpg', 'png', 'webp']);

export interface CoreServices {
  version: string;
  shell: AppInfo['shell'];
  db: Database;
  repo: ItemsRepo;
  people: PeopleRepo;
  judgements: JudgementsRepo;
  files: LibraryFiles;
  imports: Map<string, ImportJob>;
  provider(): string | null;
  /** Work to finish before the library closes (workers of services the handlers create). */
  onClose(fn: () => Promise<void>): void;
  startImport(personId: number, sources: ImportSource[]): ImportJob;
  /** Starts describing again the items other models described (null: there are none, or it already runs). */
  startModelUpdate(): Promise<RedescribeJob | null>;
  /** Items came in other than by an import (a merged library): those other models described are described
   * again, as at open, where this core keeps descriptions current (options.updateDescriptions). */
  itemsArrived(): void;
  /** The background description of items by the current models, when one ran in this session; asked while the
   * check made at open is under way, the answer waits for it, so null means none is needed. */
  modelUpdate(): Promise<ModelUpdateProgress | null>;
  /** Called when items were described again: suggestions and person models built on the old ones are stale. */
  onDescriptionsChanged(fn: () => void): void;
}

export interface Core {
  dispatch: Dispatch;
  services: CoreServices;
  /** The file behind a media URL, or null when there is none (bad hash, unknown item). */
  mediaFile(kind: MediaKind, sha256: string): string | null;
  close(): Promise<void>;
}

export function openCore(options: CoreOptions): Core {
  const log = options.log ?? (() => {});
  const files = new LibraryFiles(options.libraryDir);
  let db: Database;
  try {
    db = openDatabase(files.databasePath);
  } catch (error) {
    const problem = storageProblem(error);
    throw problem ? new LibraryStorageError(`Cannot open the library in ${files.root}: ${problem}.`) : error;
  }
  const repo = new ItemsRepo(db);
  const modelPath = path.join(options.modelDir, BACKBONE_FILE);
  const labelsPath = path.join(options.modelDir, LABELS_FILE);
  if (!fs.existsSync(modelPath) || !fs.existsSync(labelsPath)) {
    db.close();
    throw new Error(`The image model is not provisioned: ${modelPath} is missing. Run \`npm run provision\` (see README).`);
  }
  const labels = fs.readFileSync(labelsPath, 'utf8').split('\n').map((l) => l.trim());
  const orphans = files.removeOrphans(new Set(db.prepare('SELECT sha256 FROM items').pluck().all() as string[]));
  if (orphans > 0) log(`removed ${orphans} media file(s) left without an item by an interrupted import`);
  // Loaded on first import, behind one promise so concurrent imports share one worker.
  let backbone: Promise<Backbone> | null = null;
  let loaded: Backbone | null = null;
  const getBackbone = () => {
    backbone ??= Backbone.open({ modelPath }).then(
      (b) => {
        loaded = b;
        log(`image model loaded on execution provider: ${b.provider}`);
        return b;
      },
      (error: unknown) => {
        backbone = null;
        throw error;
      },
    );
    return backbone;
  };
  const imports = new Map<string, ImportJob>();
  const closers: (() => Promise<void>)[] = [];
  const descriptionsChanged: (() => void)[] = [];
  let redescribe: RedescribeJob | null = null;
  let closed = false;
  // The backbone is loaded only when some item other models described can be described again (hashing the model
  // files is cheap; loading the backbone is not): one whose photo is gone (reported by the library check) would
  // otherwise load it at every open, for nothing.
  const hasOriginal = (item: StaleItem) => {
    const file = files.mediaPath('original', item.sha256, item.ext);
    return file !== null && fs.existsSync(file);
  };
  // Items that arrive while a run is under way (a merged library) are not in its list: checked again after it.
  let checkAgain = false;
  let runs = 0;
  const startModelUpdate = async (): Promise<RedescribeJob | null> => {
    const expected = await modelsKeyOf(modelPath, locateHeads(modelPath));
    if (closed || !repo.staleItems(expected).some(hasOriginal)) return null;
    if (redescribe?.snapshot().state === 'running') {
      checkAgain = true;
      return null;
    }
    const job = new RedescribeJob({ repo, files, backbone: getBackbone, labels, log, run: ++runs, onChanged: () => descriptionsChanged.forEach((fn) => fn()) });
    redescribe = job;
    void job.finished.then(() => {
      if (checkAgain) {
        checkAgain = false;
        void checkModels();
      }
    });
    return job;
  };
  const checkModels = () => startModelUpdate().catch((error: unknown) => log(`could not check the items' models: ${error instanceof Error ? error.message : String(error)}`));
  const checkedAtOpen = options.updateDescriptions ? checkModels() : Promise.resolve();
  const services: CoreServices = {
    version: options.version,
    shell: options.shell,
    db,
    repo,
    people: new PeopleRepo(db),
    judgements: new JudgementsRepo(db, repo),
    files,
    imports,
    provider: () => loaded?.provider ?? null,
    onClose: (fn) => closers.push(fn),
    startImport(personId, sources) {
      const job = new ImportJob({ repo, files, backbone: getBackbone, labels }, personId, sources);
      imports.set(job.id, job);
      return job;
    },
    startModelUpdate,
    itemsArrived: () => {
      if (options.updateDescriptions) void checkModels();
    },
    modelUpdate: async () => {
      await checkedAtOpen;
      return redescribe?.snapshot() ?? null;
    },
    onDescriptionsChanged: (fn) => descriptionsChanged.push(fn),
  };
  const dispatch = createDispatch(createHandlers(services), (method, error) => log(`${method} failed: ${error instanceof Error ? error.stack : String(error)}`));
  return {
    dispatch,
    services,
    mediaFile(kind, sha256) {
      const ext = repo.originalExt(sha256);
      if (!ext) return null;
      const existing = (file: string | null) => (file && fs.existsSync(file) ? file : null);
      const original = existing(files.mediaPath('original', sha256, ext));
      if (kind === 'original') return original;
      // A photo small enough to be its own thumbnail has no thumbnail file (decode.ts, servesAsOwnThumbnail);
      // a lost thumbnail of a photo a page can show falls back the same way.
      return existing(files.mediaPath('thumb', sha256)) ?? (PAGE_SHOWN_EXTENSIONS.has(ext) ? original : null);
    },
    async close() {
      closed = true;
      for (const job of imports.values()) job.cancel();
      redescribe?.cancel();
      await Promise.allSettled([...imports.values()].map((j) => j.finished));
      await redescribe?.finished;
      await Promise.allSettled(closers.map((fn) => fn()));
      if (backbone) await (await backbone.catch(() => null))?.close();
      db.close();
    },
  };
}
