import { useEffect, useMemo, useState } from 'react';
import type { AppInfo, StylistApi } from '../../shared/api.ts';
import { createClient } from './api/client.ts';
import { ClientContext, useClient } from './api/context.tsx';
import { EmptyState } from './components/EmptyState.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { PersonSwitcher } from './components/PersonSwitcher.tsx';
import { Sidebar, type ViewName } from './components/Sidebar.tsx';
import { ImportManager, type ImportManagerOptions } from './lib/importManager.ts';
import { ErrorProvider, useReportError } from './state/errors.tsx';
import { ImportContext } from './state/import.tsx';
import { usePeople } from './state/people.ts';
import { ImportView } from './views/ImportView.tsx';
import { SuggestionsView } from './views/SuggestionsView.tsx';
import { WardrobeView } from './views/WardrobeView.tsx';

export interface AppProps {
  api: StylistApi;
  /** Tuning for imports (tests use a short poll interval). */
  importOptions?: Omit<ImportManagerOptions, 'onError' | 'onItemsChanged'>;
  initialView?: ViewName;
}

/** The whole window. Everything it knows about the core comes through `api`. */
export function App({ api, importOptions, initialView = 'wardrobe' }: AppProps) {
  const client = useMemo(() => createClient(api), [api]);
  return (
    <ClientContext.Provider value={client}>
      <ErrorProvider>
        <Shell importOptions={importOptions} initialView={initialView} />
      </ErrorProvider>
    </ClientContext.Provider>
  );
}

function Shell({ importOptions, initialView }: Pick<AppProps, 'importOptions'> & { initialView: ViewName }) {
  const client = useClient();
  const report = useReportError();
  const [view, setView] = useState<ViewName>(initialView);
  const [libraryVersion, setLibraryVersion] = useState(0);
  const [manager] = useState(
    () =>
      new ImportManager(client, {
        ...importOptions,
        onError: report,
        onItemsChanged: () => setLibraryVersion((v) => v + 1),
      }),
  );
  useEffect(() => {
    manager.resume();
    return () => manager.dispose();
  }, [manager]);
  const people = usePeople();
  const info = useAppInfo();

  let content;
  if (people.status === 'failed') {
    content = (
      <EmptyState
        icon="alert"
        title="Could not open the library"
        actions={
          <button type="button" className="button button--primary" onClick={people.retry}>
            Try again
          </button>
        }
      >
        <p>The window could not reach the Stylist core. The error above says why.</p>
      </EmptyState>
    );
  } else if (people.status === 'loading') {
    content = (
      <p className="loading" role="status">
        Opening the library…
      </p>
    );
  } else {
    const personId = people.person.id;
    content =
      view === 'wardrobe' ? (
        <WardrobeView
          key={personId}
          personId={personId}
          libraryVersion={libraryVersion}
          onGoToImport={() => setView('import')}
        />
      ) : view === 'import' ? (
        <ImportView
          key={personId}
          personId={personId}
          personName={people.person.name}
          onGoToWardrobe={() => setView('wardrobe')}
        />
      ) : (
        <SuggestionsView
          key={personId}
          personId={personId}
          libraryVersion={libraryVersion}
          onGoToImport={() => setView('import')}
          onGoToWardrobe={() => setView('wardrobe')}
        />
      );
  }

  return (
    <ImportContext.Provider value={manager}>
      <div className="app">
        <header className="topbar">
          <div className="brand">
            <span className="brand__mark" aria-hidden="true" />
            <span className="brand__name">Stylist</span>
          </div>
          {people.status === 'ready' ? (
            <PersonSwitcher
              people={people.people}
              personId={people.person.id}
              onSelect={people.select}
              onCreated={people.added}
            />
          ) : null}
        </header>
        <Sidebar
          current={view}
          onSelect={setView}
          footer={
            info ? (
              <span>
                Version {info.version}
                {info.provider ? ` · ${info.provider.toUpperCase()}` : ''}
              </span>
            ) : null
          }
        />
        <main className="main">
          <ErrorBanner />
          {content}
        </main>
      </div>
    </ImportContext.Provider>
  );
}

function useAppInfo(): AppInfo | null {
  const client = useClient();
  const report = useReportError();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let active = true;
    client.call('app.info', {}).then(
      (value) => {
        if (active) setInfo(value);
      },
      (error: unknown) => {
        if (active) report(error);
      },
    );
    return () => {
      active = false;
    };
  }, [client, report]);
  return info;
}
