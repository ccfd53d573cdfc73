// Public API of the indicator engine: STIX 2.1 patterns and bundles, the IndicatorSet matcher, host helpers
// and the indicators.yaml feed index. Browser-safe (no node:* imports).

export { parseStixPattern, tokenizePattern, type EqualityComparison, type PatternParseResult } from "./stix-pattern.js";
export {
  loadStixBundle,
  canonicalObjectPath,
  kindForObjectPath,
  indicatorValue,
  type LoadedBundle,
} from "./stix-bundle.js";
export {
  IndicatorSet,
  normaliseHash,
  normalisePath,
  type BundleInput,
  type CollectionSummary,
} from "./indicator-set.js";
export {
  parseHost,
  parseUrlHost,
  normaliseDomain,
  normaliseUrl,
  urlKey,
  urlKeyOfHref,
  canonicalIp,
  canonicalIpv4,
  canonicalIpv6,
  domainAndParents,
  isShortenerHost,
  SHORTENER_HOSTS,
  type ParsedHost,
} from "./hosts.js";
export {
  parseFeedIndex,
  feedUrl,
  feedRelativePath,
  DEFAULT_RAW_BASE,
  type FeedEntry,
  type FeedIndex,
  type GithubSource,
} from "./feed-index.js";
