// The error banner and the loading progress line.

export function createStatus(banner: HTMLElement, progressEl: HTMLElement) {
  return {
    error(message: string) {
      banner.textContent = message;
      banner.hidden = false;
    },
    clearError() { banner.hidden = true; banner.textContent = ""; },
    progress(text: string | null) {
      progressEl.hidden = text === null;
      progressEl.textContent = text ?? "";
    },
  };
}
