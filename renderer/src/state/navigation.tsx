// Where the window is: one route at a time, with a history for "back". Views navigate through the context;
// the route never leaves the page (no URL: the address carries the bridge token only, and Electron has none).
import { createContext, useContext } from 'react';

export type Route =
  | { view: 'wardrobe'; similarTo?: number }
  | { view: 'item'; itemId: number }
  | { view: 'import' }
  | { view: 'suggestions'; pinned?: number[] }
  | { view: 'people'; personId?: number }
  | { view: 'style' }
  | { view: 'settings' };

/** The views of the sidebar (an item's page belongs to the wardrobe). */
export type ViewName = Exclude<Route['view'], 'item'>;

export interface Navigation {
  route: Route;
  navigate(route: Route): void;
  /** Back to the previous route (or the wardrobe). */
  back(): void;
}

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigation(): Navigation {
  const nav = useContext(NavigationContext);
  if (!nav) throw new Error('useNavigation() needs a <NavigationContext.Provider> above it.');
  return nav;
}
