// Getting trace text: from a URL (with download progress) or a local File.

export type ByteProgress = (loaded: number, total: number) => void;

export async function fetchText(url: string, progress?: ByteProgress): Promise<string> {
  let res: Response;
  try { res = await fetch(url); } catch (err) { throw new Error(`could not fetch ${url}: ${(err as Error).message}`); }
  if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get("content-length")) || 0;
  if (!res.body || !progress) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let loaded = 0, lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
    if (loaded - lastReport > 4 << 20) { lastReport = loaded; progress(loaded, total); }
  }
  parts.push(decoder.decode());
  return parts.join("");
}

export async function fileText(file: File): Promise<string> {
  return file.text();
}
