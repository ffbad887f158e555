/**
 * Light and dark themes: the page follows `prefers-color-scheme` until the user picks one with
 * the toggle; the pick is remembered. styles.css keys its colours on `data-theme` and
 * `color-scheme`, so this only sets an attribute.
 */
const THEME_KEY = 'podcite.theme';

type Theme = 'light' | 'dark';

export function setupThemeToggle(options: { button: HTMLButtonElement; storage: Storage }): void {
  const { button, storage } = options;
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  let chosen: Theme | null = null;
  try {
    const value = storage.getItem(THEME_KEY);
    if (value === 'light' || value === 'dark') chosen = value;
  } catch {
    // Storage disabled: follow the system until the user picks.
  }

  const effective = (): Theme => chosen ?? (media.matches ? 'dark' : 'light');
  const apply = () => {
    if (chosen) document.documentElement.dataset.theme = chosen;
    else delete document.documentElement.dataset.theme;
    const dark = effective() === 'dark';
    button.setAttribute('aria-pressed', String(dark));
    button.title = dark ? 'Switch to the light theme' : 'Switch to the dark theme';
  };

  button.addEventListener('click', () => {
    chosen = effective() === 'dark' ? 'light' : 'dark';
    try {
      storage.setItem(THEME_KEY, chosen);
    } catch {
      // The choice then lasts until reload.
    }
    apply();
  });
  media.addEventListener('change', apply);
  apply();
}
