import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, StylistApi } from '../../shared/api.ts';
import { createClient } from './api/client.ts';
import { ClientContext, useClient } from './api/context.tsx';
import { EmptyState } from './components/EmptyState.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { ModelUpdateNote } from './components/ModelUpdateNote.tsx';
import { Icon } from './components/Icon.tsx';
import { PersonSwitcher } from './components/PersonSwitcher.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { filesFromDrop } from './lib/files.ts';
import { ImportManager, type ImportManagerOptions } from './lib/importManager.ts';
import { ErrorProvider, useReportError } from './state/errors.tsx';
import { ImportContext } from './state/import.tsx';
import { NavigationContext, type Navigation, type Route, type ViewName } from './state/navigation.tsx';
import { usePeople } from './state/people.ts';
import { applyTheme, readTheme, useTheme } from './state/theme.ts';
import { ToastProvider } from './state/toasts.tsx';
import { HouseStyleView } from './views/HouseStyleView.tsx';
import { ImportView } from './views/ImportView.tsx';
import { ItemView } from './views/ItemView.tsx';
import { PeopleView } from './views/PeopleView.tsx';
import { SettingsView } from './views/SettingsView.tsx';
import { SuggestionsView } from './views/SuggestionsView.tsx';
import { WardrobeView } from './views/WardrobeView.tsx';

export interface AppProps {
  api: StylistApi;
  /** Tuning for imports (tests use a short poll interval). */
  importOptions?: Omit<ImportManagerOptions, 'onError' | 'onItemsChanged'>;
  initialView?: ViewName;
  /** How often running jobs (library export/import, house style) are polled; tests use a short one. */
  pollMs?: number;
}

/** The whole window. Everything it knows about the core comes through `api`. */
export function App({ api, importOptions, initialView = 'wardrobe', pollMs = 400 }: AppProps) {
  const client = useMemo(() => createClient(api), [api]);
  return (
    <ClientContext.Provider value={client}>
      <ErrorProvider>
        <ToastProvider>
          <Shell importOptions={importOptions} initialView={initialView} pollMs={pollMs} />
        </ToastProvider>
      </ErrorProvider>
    </ClientContext.Provider>
  );
}

function Shell({ importOptions, initialView, pollMs }: Pick<AppProps, 'importOptions'> & { initialView: ViewName; pollMs: number }) {
  const client = useClient();
  const report = useReportError();
  const [route, setRoute] = useState<Route>({ view: initialView });
  const history = useRef<Route[]>([]);
  const [libraryVersion, setLibraryVersion] = useState(0);
  const bumpLibrary = useCallback(() => setLibraryVersion((v) => v + 1), []);
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
  useEffect(() => applyTheme(readTheme()), []);
  const people = usePeople();
  const info = useAppInfo();
  const mainRef = useRef<HTMLElement>(null);

  const navigation = useMemo<Navigation>(
    () => ({
      route,
      navigate(next) {
        history.current = [...history.current.slice(-20), route];
        setRoute(next);
      },
      back() {
        const previous = history.current.pop();
        setRoute(previous ?? { view: 'wardrobe' });
      },
    }),
    [route],
  );

  // A new view starts at its top, with the focus on its heading for screen readers and keyboards.
  useEffect(() => {
    mainRef.current?.scrollTo?.(0, 0);
  }, [route]);

  const selectPerson = useCallback(
    (id: number) => {
      if (people.status !== 'ready') return;
      people.select(id);
      // An item's page or a build-around belongs to the person it was opened for.
      if (route.view === 'item' || (route.view === 'suggestions' && route.pinned?.length) || (route.view === 'wardrobe' && route.similarTo)) {
        setRoute({ view: route.view === 'suggestions' ? 'suggestions' : 'wardrobe' });
      }
    },
    [people, route],
  );

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
    const person = people.person;
    const personId = person.id;
    switch (route.view) {
      case 'wardrobe':
        content = <WardrobeView key={`${personId}-${route.similarTo ?? ''}`} personId={personId} libraryVersion={libraryVersion} similarTo={route.similarTo} />;
        break;
      case 'item':
        content = <ItemView key={`${personId}-${route.itemId}`} personId={personId} itemId={route.itemId} onChanged={bumpLibrary} />;
        break;
      case 'import':
        content = <ImportView key={personId} personId={personId} personName={person.name} />;
        break;
      case 'suggestions':
        content = <SuggestionsView key={`${personId}-${(route.pinned ?? []).join(',')}`} personId={personId} libraryVersion={libraryVersion} pinned={route.pinned ?? []} pollMs={pollMs} />;
        break;
      case 'people':
        content = (
          <PeopleView
            current={person}
            selectedId={route.personId ?? personId}
            onSwitch={selectPerson}
            onCreated={(person) => people.added(person, false)}
            onChanged={people.changed}
            onRemoved={people.removed}
          />
        );
        break;
      case 'style':
        content = <HouseStyleView pollMs={pollMs} />;
        break;
      case 'settings':
        content = (
          <SettingsView
            info={info}
            person={person}
            pollMs={pollMs}
            onLibraryChanged={() => {
              bumpLibrary();
              people.reload();
            }}
          />
        );
        break;
    }
  }

  const sidebarView: ViewName = route.view === 'item' ? 'wardrobe' : route.view;
  return (
    <NavigationContext.Provider value={navigation}>
      <ImportContext.Provider value={manager}>
        <div
          className="app"
          // Photos or folders dropped anywhere in the window are imported into the open wardrobe (the Import
          // view's drop zone handles its own drops first).
          onDragOver={(event) => {
            if (Array.from(event.dataTransfer?.types ?? []).includes('Files')) event.preventDefault();
          }}
          onDrop={(event) => {
            if (event.defaultPrevented || people.status !== 'ready' || !Array.from(event.dataTransfer?.types ?? []).includes('Files')) return;
            event.preventDefault();
            const personId = people.person.id;
            void filesFromDrop(event.dataTransfer).then((files) => {
              if (files.length === 0) return;
              manager.add(personId, files);
              navigation.navigate({ view: 'import' });
            });
          }}
        >
          <a className="skip-link" href="#main" onClick={(event) => { event.preventDefault(); mainRef.current?.focus(); }}>
            Skip to content
          </a>
          <header className="topbar">
            <div className="brand">
              <span className="brand__mark" aria-hidden="true" />
              <span className="brand__name">Stylist</span>
            </div>
            <div className="topbar__end">
              {people.status === 'ready' ? (
                <PersonSwitcher people={people.people} personId={people.person.id} onSelect={selectPerson} onCreated={people.added} />
              ) : null}
              <ThemeToggle />
            </div>
          </header>
          <Sidebar
            current={sidebarView}
            onSelect={(view) => navigation.navigate({ view })}
            footer={
              <>
                <ModelUpdateNote pollMs={pollMs} libraryVersion={libraryVersion} onDone={bumpLibrary} />
                {info ? (
                  <span>
                    Version {info.version}
                    {info.provider ? ` · ${info.provider.toUpperCase()}` : ''}
                  </span>
                ) : null}
              </>
            }
          />
          <main className="main" id="main" ref={mainRef} tabIndex={-1}>
            <ErrorBanner />
            {content}
          </main>
        </div>
      </ImportContext.Provider>
    </NavigationContext.Provider>
  );
}

/** Light / dark in one click from anywhere (Settings also offers "as the system"). */
function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  const dark = theme === 'dark' || (theme === 'system' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  const label = dark ? 'Use the light theme' : 'Use the dark theme';
  return (
    <button type="button" className="icon-button topbar__theme" aria-label={label} title={label} onClick={() => setTheme(dark ? 'light' : 'dark')}>
      <Icon name={dark ? 'sun' : 'moon'} />
    </button>
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
