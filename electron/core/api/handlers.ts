// The table of API handlers: one function per method of shared/api.ts, over the core's services.
import type { ImportProgress } from '../../../shared/api.ts';
import type { Handlers } from './dispatch.ts';
import { ApiFailure } from './dispatch.ts';
import type { CoreServices } from '../core.ts';
import { bytesSource, expandPaths } from '../library/import-sources.ts';
import { JudgementError } from '../library/judgements-repo.ts';
import { OutfitRequestError } from '../outfits/suggest.ts';
import { OutfitService } from '../outfits/service.ts';
import { PersonalService } from '../personal/personal-service.ts';
import { QUESTION_EVERY, QUESTION_SLOTS, questionsFor, withQuestions } from '../personal/questions.ts';
import { GENERATED_MODELS_DIR } from '../paths.ts';
import { LibraryJobRequestError, LibraryJobs } from '../backup/library-jobs.ts';
import type { LibraryJob } from '../backup/library-jobs.ts';
import { writeItemsCsv } from '../backup/items-csv.ts';

export function createHandlers(s: CoreServices): Handlers {
  const jobStatus = (jobId: string): ImportProgress => {
    const job = s.imports.get(jobId);
    if (!job) throw new ApiFailure('not_found', `import ${jobId} was not found`);
    return job.snapshot();
  };
  // The outfit engine over the library's model (house style if taught, else the shipped one).
  const backboneDir = 'modelDir' in s && typeof s.modelDir === 'string' ? s.modelDir : GENERATED_MODELS_DIR;
  const outfits = new OutfitService({ libraryRoot: s.files.root, backboneDir, databasePath: s.files.databasePath });
  s.onClose(() => outfits.close());
  // Each person's fine-tuned parts: every judgement (or undo) schedules a fine-tune in a worker.
  const personal = new PersonalService({
    db: s.db,
    general: () => ({ model: outfits.current().currentModel, dir: outfits.modelDir() }),
    wardrobe: (personId) => s.repo.wardrobeWithEmbeddings(personId),
    judgements: (personId) => s.judgements.list(personId),
  });
  s.onClose(() => personal.close());
  // Items described again by newer models: suggestions and every person's model are rebuilt on the new ones.
  s.onDescriptionsChanged(() => {
    void outfits.forgetItems();
    for (const person of s.people.list({ includeArchived: true })) if (s.judgements.list(person.id).length > 0) personal.schedule(person.id);
  });
  const styleStatus = (jobId: string) => {
    const status = outfits.status(jobId);
    if (!status) throw new ApiFailure('not_found', `house style job ${jobId} was not found`);
    return status;
  };
  // Exports, backups and imports of the whole library (electron/core/backup/).
  // An imported library's likes and dislikes are learned from like new ones, and its items described by other
  // models are described again; running jobs stop on close.
  const library = new LibraryJobs({
    db: s.db,
    files: s.files,
    appVersion: s.version,
    onJudgementsAdded: (personIds) => personIds.forEach((id) => personal.schedule(id)),
    onItemsAdded: () => s.itemsArrived(),
  });
  s.onClose(() => library.close());
  const libraryJob = (start: () => LibraryJob) => {
    try {
      return { jobId: start().id };
    } catch (error) {
      if (error instanceof LibraryJobRequestError) throw new ApiFailure(error.code, error.message);
      throw error;
    }
  };
  const libraryStatus = (jobId: string) => {
    const job = library.get(jobId);
    if (!job) throw new ApiFailure('not_found', `library job ${jobId} was not found`);
    return job.snapshot();
  };
  return {
    'app.info': () => ({ version: s.version, shell: s.shell, provider: s.provider(), libraryPath: s.files.root }),
    'library.modelUpdate': () => s.modelUpdate(),
    'people.list': ({ includeArchived }) => s.people.list({ includeArchived }),
    'people.create': ({ name, kind }) => s.people.create(name, kind),
    'people.rename': ({ personId, name }) => s.people.rename(personId, name),
    'people.setArchived': ({ personId, archived }) => s.people.setArchived(personId, archived),
    'people.useCatalogue': ({ personId, catalogueId }) => s.people.setCatalogue(personId, catalogueId),
    'people.delete': ({ personId }) => s.people.delete(personId),
    'people.restore': ({ personId }) => s.people.restore(personId),
    'items.list': ({ personId, type, color, tag, archived, offset, limit, after }) => {
      s.people.get(personId);
      return s.repo.listItems(personId, { type, color, tag, archived }, offset, limit, after);
    },
    'items.get': ({ personId, itemId }) => {
      s.people.get(personId);
      return s.repo.getForPerson(personId, itemId);
    },
    'items.outfits': ({ personId, itemId, verdict, limit }) => {
      s.people.get(personId);
      return s.repo.judgedOutfits(personId, { itemId, verdict }, limit);
    },
    'items.counts': ({ personId, archived }) => {
      s.people.get(personId);
      return s.repo.counts(personId, archived);
    },
    'items.exportCsv': ({ personId }) => writeItemsCsv(s.db, s.files, personId === undefined ? undefined : s.people.get(personId)),
    'items.setType': ({ itemId, type }) => s.repo.setType(itemId, type),
    'items.similar': ({ itemId, k, personId }) => s.repo.similarItems(itemId, k, personId),
    'items.archive': ({ personId, itemIds, reason }) => ({ changed: s.repo.setArchived(personId, itemIds, reason) }),
    'items.remove': ({ personId, itemIds }) => ({ changed: s.repo.remove(personId, itemIds) }),
    'items.restore': ({ personId, itemIds }) => ({ changed: s.repo.restore(personId, itemIds) }),
    'import.files': ({ personId, files }) => {
      s.people.get(personId);
      const sources = files.map((f) => bytesSource(f.name, Buffer.from(f.dataBase64, 'base64')));
      return { jobId: s.startImport(personId, sources).id };
    },
    'import.paths': async ({ personId, paths }) => {
      s.people.get(personId);
      return { jobId: s.startImport(personId, await expandPaths(paths)).id };
    },
    'import.status': ({ jobId }) => jobStatus(jobId),
    'import.cancel': ({ jobId }) => {
      s.imports.get(jobId)?.cancel();
      return jobStatus(jobId);
    },
    'outfits.suggest': async ({ personId, k, pinned, exclude, slots, allowNearDuplicates }) => {
      s.people.get(personId);
      try {
        const wardrobe = { items: s.repo.outfitWardrobe(personId), embeddings: (ids: number[]) => s.repo.embeddingsOf(ids), describe: (ids: number[]) => s.repo.itemsByIds(ids) };
        const parts = personal.personal(personId);
        const best = await outfits.suggest(wardrobe, { k, pinned, exclude, slots, allowNearDuplicates }, parts);
        // Plain suggestions of a person whose model has learned something also ask about what it is least sure of.
        if (!parts || pinned.length || slots) return best;
        const excluded = new Set(exclude);
        const open = { ...wardrobe, items: wardrobe.items.filter((it) => !excluded.has(it.id)) };
        const asked = questionsFor(open, s.judgements.list(personId), parts, Math.floor(k / QUESTION_EVERY), personId);
        const questions = await Promise.all(
          asked.map(async (q) => {
            const [outfit] = await outfits.suggest(wardrobe, { k: 1, pinned: q.itemIds, slots: [...QUESTION_SLOTS], allowNearDuplicates: true }, parts);
            return outfit ? { ...outfit, question: { aboutItemId: q.about } } : null;
          }),
        );
        return withQuestions(best, questions.filter((q) => q !== null), k);
      } catch (error) {
        if (error instanceof OutfitRequestError) throw new ApiFailure('bad_request', error.message);
        throw error;
      }
    },
    'style.teach': ({ lookbookDir }) => {
      try {
        return { jobId: outfits.teach(lookbookDir).id };
      } catch (error) {
        throw new ApiFailure('conflict', error instanceof Error ? error.message : String(error));
      }
    },
    'style.status': ({ jobId }) => styleStatus(jobId),
    'style.cancel': ({ jobId }) => {
      outfits.jobs.get(jobId)?.cancel();
      return styleStatus(jobId);
    },
    'style.info': () => outfits.info(),
    'judgements.record': ({ personId, itemIds, verdict, blamedItemId }) => {
      s.people.get(personId);
      const judgement = refusingBadNames(() => s.judgements.record(personId, itemIds, verdict, blamedItemId));
      personal.schedule(personId);
      return judgement;
    },
    'judgements.list': ({ personId }) => {
      s.people.get(personId);
      return s.judgements.list(personId);
    },
    'judgements.blame': ({ personId, judgementId, blamedItemId }) => {
      const named = refusingBadNames(() => s.judgements.blame(personId, judgementId, blamedItemId));
      personal.schedule(personId);
      return named;
    },
    'judgements.undo': ({ personId, judgementId }) => {
      const undone = s.judgements.undo(personId, judgementId);
      personal.schedule(personId);
      return undone;
    },
    'personal.status': ({ personId }) => {
      s.people.get(personId);
      return personal.status(personId);
    },
    'personal.versions': ({ personId }) => {
      s.people.get(personId);
      return personal.versions(personId);
    },
    'personal.rollback': ({ personId, versionId }) => personal.rollback(personId, versionId),
    'personal.reset': ({ personId }) => {
      s.people.get(personId);
      return personal.reset(personId);
    },
    'library.export': ({ destination }) => libraryJob(() => library.export(destination)),
    'library.backup': () => libraryJob(() => library.backup()),
    'library.import': (input) => libraryJob(() => library.import('path' in input ? { path: input.path } : { bytes: Buffer.from(input.file.dataBase64, 'base64') })),
    'library.status': ({ jobId }) => libraryStatus(jobId),
    'library.cancel': ({ jobId }) => {
      library.get(jobId)?.cancel();
      return libraryStatus(jobId);
    },
  };
}

/** A garment named where it cannot be (not one of the outfit, or on a like) is the caller's mistake. */
function refusingBadNames<T>(record: () => T): T {
  try {
    return record();
  } catch (error) {
    if (error instanceof JudgementError) throw new ApiFailure('bad_request', error.message);
    throw error;
  }
}
