// TODO: interaction_c (stub, to be implemented)
import { artifact } from "../module.js";

export const interactionC = artifact({
  id: "interaction_c",
  platform: "ios",
  timelineName: "interaction_c",
  description: "interaction_c",
  sources: [],
  *records() {},
});
