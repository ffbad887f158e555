/** Asks for the API token in the page's `<dialog>` (never `window.prompt`, which shows the token). */
import { requiredElement } from './dom.js';

export function createTokenPrompt(): (reason: 'missing' | 'rejected') => Promise<string | null> {
  const dialog = requiredElement('token-dialog', HTMLDialogElement);
  const input = requiredElement('token-input', HTMLInputElement);
  const reasonText = requiredElement('token-reason', HTMLParagraphElement);

  return (reason) =>
    new Promise((resolve) => {
      reasonText.textContent =
        reason === 'rejected'
          ? 'The server refused that token. Check it and enter it again.'
          : 'This podcite server asks for an access token (its API_TOKEN).';
      input.value = '';
      dialog.returnValue = '';
      dialog.addEventListener(
        'close',
        () => {
          const token = input.value.trim();
          resolve(dialog.returnValue === 'ok' && token !== '' ? token : null);
        },
        { once: true },
      );
      dialog.showModal();
      input.focus();
    });
}
