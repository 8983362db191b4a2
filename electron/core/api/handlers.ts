// The table of API handlers: one function per method of shared/api.ts, over the core's services.
import type { ImportProgress } from '../../../shared/api.ts';
import type { Handlers } from './dispatch.ts';
import { ApiFailure } from './dispatch.ts';
import type { CoreServices } from '../core.ts';
import { bytesSource, expandPaths } from '../library/import-sources.ts';
import { cosinePairScorer, suggestOutfits } from '../outfits/suggest.ts';

export function createHandlers(s: CoreServices): Handlers {
  const jobStatus = (jobId: string): ImportProgress => {
    const job = s.imports.get(jobId);
    if (!job) throw new ApiFailure('not_found', `import ${jobId} was not found`);
    return job.snapshot();
  };
  return {
    'app.info': () => ({ version: s.version, shell: s.shell, provider: s.provider(), libraryPath: s.files.root }),
    'people.list': ({ includeArchived }) => s.people.list({ includeArchived }),
    'people.create': ({ name, kind }) => s.people.create(name, kind),
    'people.rename': ({ personId, name }) => s.people.rename(personId, name),
    'people.setArchived': ({ personId, archived }) => s.people.setArchived(personId, archived),
    'people.useCatalogue': ({ personId, catalogueId }) => s.people.setCatalogue(personId, catalogueId),
    'people.delete': ({ personId }) => s.people.delete(personId),
    'people.restore': ({ personId }) => s.people.restore(personId),
    'items.list': ({ personId, type, archived, offset, limit }) => {
      s.people.get(personId);
      return s.repo.listItems(personId, { type, archived }, offset, limit);
    },
    'items.setType': ({ itemId, type }) => s.repo.setType(itemId, type),
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
    'outfits.suggest': ({ personId, k, pinned }) => {
      s.people.get(personId);
      return suggestOutfits(s.repo.wardrobeWithEmbeddings(personId), cosinePairScorer, { k, pinned });
    },
    'judgements.record': ({ personId, itemIds, verdict }) => {
      s.people.get(personId);
      return s.judgements.record(personId, itemIds, verdict);
    },
    'judgements.list': ({ personId }) => {
      s.people.get(personId);
      return s.judgements.list(personId);
    },
    'judgements.undo': ({ personId, judgementId }) => s.judgements.undo(personId, judgementId),
  };
}
