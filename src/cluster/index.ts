import { type ClusterOptions, StoryClusterer } from './online.js';
import type { OnlineClusterer } from './types.js';

export {
  type ClusterOptions,
  DEFAULT_CLUSTER_OPTIONS,
  type ExpireListener,
  StoryClusterer,
} from './online.js';
export type { Assignment, ClusterInput, OnlineClusterer, StoryInfo } from './types.js';

/** The clusterer the product uses; one place to swap implementations. */
export function createClusterer(options: Partial<ClusterOptions> = {}): OnlineClusterer {
  return new StoryClusterer(options);
}
