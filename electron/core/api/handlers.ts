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
    'people.list': () => s.repo.listPeople(),
    'people.create': ({ name }) => s.repo.createPerson(name),
    'items.list': ({ personId, type, offset, limit }) => {
      s.repo.requirePerson(personId);
      return s.repo.listItems(personId, type, offset, limit);
    },
    'items.setType': ({ itemId, type }) => s.repo.setType(itemId, type),
    'import.files': ({ personId, files }) => {
      s.repo.requirePerson(personId);
      const sources = files.map((f) => bytesSource(f.name, Buffer.from(f.dataBase64, 'base64')));
      return { jobId: s.startImport(personId, sources).id };
    },
    'import.paths': async ({ personId, paths }) => {
      s.repo.requirePerson(personId);
      return { jobId: s.startImport(personId, await expandPaths(paths)).id };
    },
    'import.status': ({ jobId }) => jobStatus(jobId),
    'import.cancel': ({ jobId }) => {
      s.imports.get(jobId)?.cancel();
      return jobStatus(jobId);
    },
    'outfits.suggest': ({ personId, k, pinned }) => {
      s.repo.requirePerson(personId);
      return suggestOutfits(s.repo.wardrobeWithEmbeddings(personId), cosinePairScorer, { k, pinned });
    },
    'judgements.record': ({ personId, itemIds, verdict }) => {
      s.repo.requirePerson(personId);
      return s.repo.recordJudgement(personId, itemIds, verdict);
    },
    'judgements.list': ({ personId }) => {
      s.repo.requirePerson(personId);
      return s.repo.listJudgements(personId);
    },
  };
}
