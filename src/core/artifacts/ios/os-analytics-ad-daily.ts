// TODO: os_analytics_ad_daily (stub, to be implemented)
import { artifact } from "../module.js";

export const osAnalyticsAdDaily = artifact({
  id: "os_analytics_ad_daily",
  platform: "ios",
  timelineName: "os_analytics_ad_daily",
  description: "os_analytics_ad_daily",
  sources: [],
  *records() {},
});
