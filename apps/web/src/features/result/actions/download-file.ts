// Saving text as a file through an object URL (no server round trip, nothing inline for the CSP).

/** Offer `text` for download as `name`. */
export function downloadFile(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.className = 'offscreen';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; give slow browsers a moment before freeing the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
