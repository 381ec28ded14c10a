/**
 * Hand a text to the browser as a file download (the web host: the browser's downloads; Electron:
 * its save dialog). Nothing leaves the machine: the file is made here from what is on screen.
 */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // the download has taken the blob by the next turn
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
