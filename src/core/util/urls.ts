// Link extraction from free text (messages, notes). Schemes http/https, "www." hosts and bare
// "host.tld/path" forms are recognised, like MVT's check_for_links.

const URL_RE =
  /\b(?:https?:\/\/|www\d{0,3}\.|[a-z0-9][a-z0-9.-]*\.[a-z]{2,24}\/)(?:[^\s()<>{}[\]"'`]+|\((?:[^\s()<>]+|\([^\s()<>]+\))*\))+(?:\((?:[^\s()<>]+|\([^\s()<>]+\))*\)|[^\s`!()[\]{};:'".,<>?«»“”‘’])/gi;

/** URLs found in `text` (in order, duplicates kept once). */
export function extractUrls(text: unknown): string[] {
  if (typeof text !== "string" || text.length < 4) return [];
  // Fast path: nothing URL-like.
  if (text.indexOf(".") === -1) return [];
  const found = text.match(URL_RE);
  if (!found) return [];
  return [...new Set(found)];
}
