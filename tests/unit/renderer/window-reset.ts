// Every component test starts from a clean window: no stored person or theme, nothing rendered, React's
// expected error logging (error boundaries, failed calls) kept out of the output.
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

export function resetWindowBetweenTests(): void {
  beforeEach(() => {
    window.localStorage.clear();
    delete document.documentElement.dataset.theme;
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });
}
